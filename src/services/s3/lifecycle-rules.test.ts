// Lifecycle validation and the sweep's decisions, from the PutBucketLifecycleConfiguration API
// reference, "Lifecycle configuration elements" and "Expiring objects" (S3 User Guide).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LifecycleRule } from "@aws-sdk/client-s3";
import { ServiceError } from "../../api/errors.ts";
import { DAY_MS, dueAfterDays, expiryOf, ruleApplies, tagMap, transitionMinimumSize, validateLifecycle } from "./lifecycle-rules.ts";

const rule = (r: Partial<LifecycleRule>): LifecycleRule => ({ ID: "r", Status: "Enabled", Filter: {}, Expiration: { Days: 1 }, ...r });

function refusal(rules: LifecycleRule[] | undefined): string {
  try {
    validateLifecycle(rules, () => "generated");
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return `${err.statusOverride} ${err.code}: ${err.message}`;
  }
  return "accepted";
}

describe("lifecycle validation (as S3 answers PutBucketLifecycleConfiguration)", () => {
  const cases: Array<[string, LifecycleRule[] | undefined, string]> = [
    ["no rules", [], "400 MalformedXML"],
    ["an ID of 256 characters", [rule({ ID: "x".repeat(256) })], "400 InvalidArgument: ID length should not exceed allowed limit of 255"],
    ["a duplicate ID", [rule({}), rule({})], "400 InvalidArgument: Rule ID must be unique. Found same ID for more than one rule"],
    ["a status that is neither Enabled nor Disabled", [rule({ Status: "On" as "Enabled" })], "400 MalformedXML"],
    ["both Prefix and Filter", [rule({ Prefix: "a/" })], "400 MalformedXML"],
    ["neither Prefix nor Filter", [rule({ Filter: undefined })], "400 MalformedXML"],
    ["a Filter with two predicates", [rule({ Filter: { Prefix: "a", ObjectSizeGreaterThan: 1 } })], "400 MalformedXML"],
    ["no action at all", [rule({ Expiration: undefined })], "400 InvalidRequest: At least one action needs to be specified in a rule"],
    ["Expiration Days 0", [rule({ Expiration: { Days: 0 } })], "400 InvalidArgument: 'Days' for Expiration action must be a positive integer"],
    ["Expiration with Days and Date", [rule({ Expiration: { Days: 1, Date: new Date(0) } })], "400 MalformedXML"],
    ["an Expiration Date not at midnight", [rule({ Expiration: { Date: new Date("2030-01-01T01:00:00Z") } })], "400 InvalidArgument: 'Date' must be at midnight GMT"],
    ["STANDARD_IA after 29 days", [rule({ Expiration: undefined, Transitions: [{ Days: 29, StorageClass: "STANDARD_IA" }] })], "400 InvalidArgument: 'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"],
    ["expiration before the transition", [rule({ Filter: { Prefix: "p/" }, Expiration: { Days: 30 }, Transitions: [{ Days: 60, StorageClass: "GLACIER" }] })], "400 InvalidArgument: 'Days' in the Expiration action for filter 'p/' must be greater than 'Days' in the Transition action"],
    ["NoncurrentDays 0", [rule({ Expiration: undefined, NoncurrentVersionExpiration: { NoncurrentDays: 0 } })], "400 InvalidArgument: 'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"],
    ["abort with tags", [rule({ Filter: { Tag: { Key: "k", Value: "v" } }, Expiration: undefined, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })], "400 InvalidRequest: AbortIncompleteMultipartUpload cannot be specified with Tags."],
    ["DaysAfterInitiation 0", [rule({ Expiration: undefined, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 0 } })], "400 InvalidArgument: 'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"],
    ["size bounds the wrong way round", [rule({ Filter: { And: { ObjectSizeGreaterThan: 10, ObjectSizeLessThan: 5 } } })], "400 InvalidArgument: The ObjectSizeLessThan value should be greater than ObjectSizeGreaterThan value"],
    ["1,000 rules", Array.from({ length: 1000 }, (_, i) => rule({ ID: `r${i}` })), "accepted"],
    ["1,001 rules", Array.from({ length: 1001 }, (_, i) => rule({ ID: `r${i}` })), "400 MalformedXML"],
    ["a legacy Prefix rule", [rule({ Filter: undefined, Prefix: "" })], "accepted"],
    ["an empty Filter with an expired-delete-marker action", [rule({ Expiration: { ExpiredObjectDeleteMarker: true } })], "accepted"],
  ];
  for (const [what, rules, expected] of cases) {
    it(`${what}: ${expected}`, () => {
      const got = refusal(rules);
      assert.ok(got.startsWith(expected), got);
    });
  }

  it("gives a rule without an ID one", () => {
    assert.equal(validateLifecycle([rule({ ID: undefined })], () => "made-up")[0]?.ID, "made-up");
  });

  it("defaults the transition minimum object size as S3 does and refuses unknown values", () => {
    assert.equal(transitionMinimumSize(undefined), "all_storage_classes_128K");
    assert.equal(transitionMinimumSize("varies_by_storage_class"), "varies_by_storage_class");
    assert.throws(() => transitionMinimumSize("tiny"), (e: unknown) => e instanceof ServiceError && e.code === "InvalidRequest");
  });
});

describe("lifecycle decisions", () => {
  const obj = { key: "logs/a.txt", size: 100, tags: new Map([["env", "dev"]]) };
  const table: Array<[string, Partial<LifecycleRule>, boolean]> = [
    ["an empty filter", {}, true],
    ["a matching prefix", { Filter: { Prefix: "logs/" } }, true],
    ["another prefix", { Filter: { Prefix: "img/" } }, false],
    ["the legacy Prefix", { Filter: undefined, Prefix: "logs/" }, true],
    ["a matching tag", { Filter: { Tag: { Key: "env", Value: "dev" } } }, true],
    ["a tag with another value", { Filter: { Tag: { Key: "env", Value: "prod" } } }, false],
    ["And: prefix, tag and size", { Filter: { And: { Prefix: "logs/", Tags: [{ Key: "env", Value: "dev" }], ObjectSizeGreaterThan: 99, ObjectSizeLessThan: 101 } } }, true],
    ["a size bound it does not meet", { Filter: { ObjectSizeGreaterThan: 100 } }, false],
    ["a disabled rule", { Status: "Disabled" }, false],
  ];
  for (const [what, r, expected] of table) {
    it(`${what} ${expected ? "applies" : "does not apply"}`, () => assert.equal(ruleApplies(rule(r), obj), expected));
  }

  it("rounds creation time plus days up to the next midnight UTC (S3 User Guide, Expiring objects)", () => {
    // Created 2014-01-15 10:30 UTC with 3 days: acted on at 2014-01-19 00:00 UTC.
    assert.equal(new Date(dueAfterDays(Date.parse("2014-01-15T10:30:00Z"), 3)).toISOString(), "2014-01-19T00:00:00.000Z");
    assert.equal(dueAfterDays(Date.parse("2014-01-15T00:00:00Z"), 1), Date.parse("2014-01-16T00:00:00Z"));
    assert.equal(expiryOf(rule({ Expiration: { Date: new Date("2030-01-01T00:00:00Z") } }), 0), Date.parse("2030-01-01T00:00:00Z"));
    assert.equal(expiryOf(rule({ Expiration: { ExpiredObjectDeleteMarker: true } }), 0), undefined);
    assert.equal(DAY_MS, 86_400_000);
  });

  it("reads object tags stored as a tag set or as the x-amz-tagging form", () => {
    assert.deepEqual([...tagMap([{ Key: "a", Value: "1" }])], [["a", "1"]]);
    assert.deepEqual([...tagMap("a=1&b=2")], [["a", "1"], ["b", "2"]]);
    assert.deepEqual([...tagMap(undefined)], []);
  });
});
