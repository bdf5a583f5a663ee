// Counts the edge's CloudFront Function runs for the function metrics (CloudFront Developer Guide,
// "Monitoring CloudFront Functions": only LIVE functions running for viewer requests publish
// metrics, never TestFunction). The edge's runtime is wrapped; TestFunction runs in the control
// plane's own runtime and is not counted. A run on the edge's thread stays synchronous.
import type { FunctionRuntime, FunctionToRun } from "../functions/index.ts";
import type { FunctionRunFacts } from "./metric-history.ts";

/** The function's name from its runnable key (`arn:aws:cloudfront::<account>:function/<name>#<etag>`). */
export function functionNameOf(fn: FunctionToRun): string {
  const key = fn.key;
  const start = key.indexOf(":function/");
  if (start < 0) return key;
  const end = key.indexOf("#", start);
  return key.slice(start + 10, end < 0 ? undefined : end);
}

/** The runtime, reporting each run's result to `record` with the function's name. */
export function observeFunctionRuns(runtime: FunctionRuntime, record: (name: string, run: FunctionRunFacts) => void): FunctionRuntime {
  const seen =
    (fn: FunctionToRun) =>
    <R extends FunctionRunFacts>(result: R): R => {
      record(functionNameOf(fn), result);
      return result;
    };
  return {
    run: (fn, eventType, event, options) => runtime.run(fn, eventType, event, options).then(seen(fn)),
    runNow(fn, eventType, event, options) {
      const ran = runtime.runNow(fn, eventType, event, options);
      if (ran instanceof Promise) return ran.then(seen(fn));
      record(functionNameOf(fn), ran);
      return ran;
    },
    check: (code, name) => runtime.check(code, name),
    get workersStarted() {
      return runtime.workersStarted;
    },
    dispose: () => runtime.dispose(),
  };
}
