// A function's settings: AWS's defaults for what CreateFunction leaves out, the checks Lambda
// makes on them, and the FunctionConfiguration every read answers (Lambda API Reference,
// CreateFunction, UpdateFunctionConfiguration, FunctionConfiguration). The defaults are what
// Terraform's aws_lambda_function reads back; a missing one shows up as drift in `terraform plan`.
// Not emulated: VPC configuration, file systems, container images, code signing, SnapStart
// optimisation, capacity providers, durable functions (accepted where harmless, not returned).
import { Runtime, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { fail } from "../../api/errors.ts";
import { messages } from "./messages.ts";
import { functionArn } from "./names.ts";
import type { FunctionRecord, VersionRecord, VersionSettings } from "./state.ts";

/** Lambda API Reference, CreateFunction: MemorySize 128-10240 MB, default 128; Timeout 1-900 s, default 3. */
export const DEFAULT_MEMORY = 128;
export const DEFAULT_TIMEOUT = 3;
/** EphemeralStorage 512-10240 MB, default 512. */
const DEFAULT_EPHEMERAL = 512;
/** Lambda quotas: environment variables, 4 KB in total. */
const MAX_ENVIRONMENT_BYTES = 4096;
/** Lambda "Defined runtime environment variables": reserved, not settable by the function's owner. */
const RESERVED_ENV = ["_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"];
const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const RUNTIMES: readonly string[] = Object.values(Runtime);

/** The settings a CreateFunction or UpdateFunctionConfiguration input may carry. */
export interface SettingsInput {
  Runtime?: string | undefined;
  Handler?: string | undefined;
  Role?: string | undefined;
  Description?: string | undefined;
  Timeout?: number | undefined;
  MemorySize?: number | undefined;
  Environment?: { Variables?: Record<string, string> | undefined } | undefined;
  TracingConfig?: { Mode?: string | undefined } | undefined;
  EphemeralStorage?: { Size?: number | undefined } | undefined;
  LoggingConfig?: { LogFormat?: string | undefined; LogGroup?: string | undefined; ApplicationLogLevel?: string | undefined; SystemLogLevel?: string | undefined } | undefined;
  Layers?: string[] | undefined;
  KMSKeyArn?: string | undefined;
  DeadLetterConfig?: { TargetArn?: string | undefined } | undefined;
  SnapStart?: { ApplyOn?: string | undefined } | undefined;
}

/** CreateFunction's settings: the input's, AWS's defaults for the rest. */
export function newSettings(name: string, input: SettingsInput): VersionSettings {
  if (input.Runtime === undefined) fail("InvalidParameterValueException", messages.runtimeRequired());
  if (input.Handler === undefined) fail("InvalidParameterValueException", messages.handlerRequired());
  const base: VersionSettings = {
    Runtime: input.Runtime,
    Handler: input.Handler,
    Role: input.Role ?? "",
    Description: "",
    Timeout: DEFAULT_TIMEOUT,
    MemorySize: DEFAULT_MEMORY,
    TracingMode: "PassThrough",
    Architectures: ["x86_64"],
    EphemeralStorageSize: DEFAULT_EPHEMERAL,
    LogFormat: "Text",
    LogGroup: `/aws/lambda/${name}`,
    Layers: [],
    SnapStartApplyOn: "None",
  };
  return applySettings(base, input);
}

/** The settings after an update: what the input names replaces, the rest stays. Checked as Lambda does. */
export function applySettings(current: VersionSettings, input: SettingsInput): VersionSettings {
  const s: Record<string, unknown> = { ...current };
  if (input.Runtime !== undefined) s["Runtime"] = check(input.Runtime, RUNTIMES.includes(input.Runtime), () => messages.enumValue("runtime", input.Runtime as string, RUNTIMES));
  if (input.Handler !== undefined) s["Handler"] = check(input.Handler, /^[^\s]{1,128}$/.test(input.Handler), () => messages.pattern("handler", input.Handler as string, "[^\\s]+"));
  if (input.Role !== undefined) s["Role"] = check(input.Role, ROLE_PATTERN.test(input.Role), () => messages.pattern("role", input.Role as string, ROLE_PATTERN.source.slice(1, -1)));
  if (input.Description !== undefined) s["Description"] = check(input.Description, input.Description.length <= 256, () => `1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256`);
  if (input.Timeout !== undefined) s["Timeout"] = inRange("timeout", input.Timeout, 1, 900);
  if (input.MemorySize !== undefined) s["MemorySize"] = inRange("memorySize", input.MemorySize, 128, 10240);
  if (input.EphemeralStorage?.Size !== undefined) s["EphemeralStorageSize"] = inRange("ephemeralStorage.size", input.EphemeralStorage.Size, 512, 10240);
  if (input.TracingConfig?.Mode !== undefined) s["TracingMode"] = check(input.TracingConfig.Mode, ["Active", "PassThrough"].includes(input.TracingConfig.Mode), () => messages.enumValue("tracingConfig.mode", input.TracingConfig?.Mode as string, ["Active", "PassThrough"]));
  if (input.Environment !== undefined) {
    const vars = checkEnvironment(input.Environment.Variables ?? {});
    if (Object.keys(vars).length > 0) s["Environment"] = vars;
    else delete s["Environment"];
  }
  if (input.LoggingConfig !== undefined) Object.assign(s, loggingSettings(input.LoggingConfig));
  if (input.Layers !== undefined) s["Layers"] = [...input.Layers];
  if (input.KMSKeyArn !== undefined) {
    if (input.KMSKeyArn === "") delete s["KMSKeyArn"];
    else s["KMSKeyArn"] = input.KMSKeyArn;
  }
  if (input.DeadLetterConfig !== undefined) {
    if (input.DeadLetterConfig.TargetArn) s["DeadLetterTargetArn"] = input.DeadLetterConfig.TargetArn;
    else delete s["DeadLetterTargetArn"];
  }
  if (input.SnapStart?.ApplyOn !== undefined) s["SnapStartApplyOn"] = check(input.SnapStart.ApplyOn, ["None", "PublishedVersions"].includes(input.SnapStart.ApplyOn), () => messages.enumValue("snapStart.applyOn", input.SnapStart?.ApplyOn as string, ["PublishedVersions", "None"]));
  return s as unknown as VersionSettings;
}

function check<T>(value: T, ok: boolean, message: () => string): T {
  if (!ok) fail("ValidationException", message(), 400);
  return value;
}

function inRange(param: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) fail("ValidationException", messages.range(param, value, min, max), 400);
  return value;
}

function checkEnvironment(vars: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV.includes(k));
  if (reserved.length > 0) {
    fail("InvalidParameterValueException", `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(", ")}`);
  }
  for (const k of Object.keys(vars)) if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) fail("ValidationException", messages.pattern("environment.variables", k, "[a-zA-Z]([a-zA-Z0-9_])+"), 400);
  if (Buffer.byteLength(JSON.stringify(vars)) > MAX_ENVIRONMENT_BYTES) {
    fail("InvalidParameterValueException", "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.");
  }
  return { ...vars };
}

/** Lambda API Reference, LoggingConfig: application and system log levels only with the JSON format. */
function loggingSettings(input: NonNullable<SettingsInput["LoggingConfig"]>): Partial<VersionSettings> {
  const format = input.LogFormat ?? "Text";
  if (!["JSON", "Text"].includes(format)) fail("ValidationException", messages.enumValue("loggingConfig.logFormat", format, ["JSON", "Text"]), 400);
  if (format === "Text" && (input.ApplicationLogLevel !== undefined || input.SystemLogLevel !== undefined)) {
    fail("InvalidParameterValueException", "LogLevel is not supported when LogFormat is set to \"Text\". Remove LogLevel from your request or change the LogFormat to \"JSON\" and try again.");
  }
  return {
    LogFormat: format,
    ...(input.LogGroup !== undefined ? { LogGroup: input.LogGroup } : {}),
    // JSON logs default to INFO (application) and INFO (system), as Lambda sets them.
    ...(format === "JSON" ? { ApplicationLogLevel: input.ApplicationLogLevel ?? "INFO", SystemLogLevel: input.SystemLogLevel ?? "INFO" } : { ApplicationLogLevel: undefined, SystemLogLevel: undefined }),
  };
}

/** Lambda's LastModified: ISO 8601 with milliseconds and a `+0000` offset. */
export function lastModifiedText(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

/**
 * The FunctionConfiguration of one version. `qualified`: the FunctionArn carries the version
 * (GetFunction with a qualifier, ListVersionsByFunction, published versions); the unqualified
 * $LATEST is shown with the plain ARN.
 */
export function configurationView(fn: FunctionRecord, v: VersionRecord, accountId: string, qualified: boolean): FunctionConfiguration {
  const s = v.settings;
  return {
    FunctionName: fn.FunctionName,
    FunctionArn: functionArn(fn.region, accountId, fn.FunctionName, qualified || v.Version !== "$LATEST" ? v.Version : undefined),
    Runtime: s.Runtime as Runtime,
    Role: s.Role,
    Handler: s.Handler,
    CodeSize: v.code.size,
    Description: s.Description,
    Timeout: s.Timeout,
    MemorySize: s.MemorySize,
    LastModified: lastModifiedText(v.lastModified),
    CodeSha256: v.code.sha256,
    Version: v.Version,
    ...(s.Environment !== undefined ? { Environment: { Variables: { ...s.Environment } } } : {}),
    ...(s.KMSKeyArn !== undefined ? { KMSKeyArn: s.KMSKeyArn } : {}),
    ...(s.DeadLetterTargetArn !== undefined ? { DeadLetterConfig: { TargetArn: s.DeadLetterTargetArn } } : {}),
    TracingConfig: { Mode: s.TracingMode as "PassThrough" },
    RevisionId: v.RevisionId,
    ...(s.Layers.length > 0 ? { Layers: s.Layers.map((Arn) => ({ Arn, CodeSize: 0 })) } : {}),
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: [...s.Architectures] as FunctionConfiguration["Architectures"],
    EphemeralStorage: { Size: s.EphemeralStorageSize },
    SnapStart: { ApplyOn: s.SnapStartApplyOn as "None", OptimizationStatus: "Off" },
    LoggingConfig: {
      LogFormat: s.LogFormat as "Text",
      LogGroup: s.LogGroup,
      ...(s.ApplicationLogLevel !== undefined ? { ApplicationLogLevel: s.ApplicationLogLevel as "INFO" } : {}),
      ...(s.SystemLogLevel !== undefined ? { SystemLogLevel: s.SystemLogLevel as "INFO" } : {}),
    },
  };
}
