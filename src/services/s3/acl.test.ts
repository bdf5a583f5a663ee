// ACL documents (acl.ts): canned ACLs and grant headers parsed as S3 parses them, the grants they
// stand for ("Canned ACL" table of the ACL overview), public ACLs, and who a grant admits.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ServiceError } from "../../api/errors.ts";
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, aclAllows, aclFromPut, aclFromRequest, aclGrants, isPublicAcl, ownerOnlyAcl, type StoredAcl } from "./acl.ts";

const OWNER = { ID: "a".repeat(64), DisplayName: "minifront" };
const OAI = "b".repeat(64);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ServiceError) return `${err.code} ${err.statusOverride}`;
    throw err;
  }
  return "ok";
}

describe("aclFromRequest", () => {
  it("reads a canned ACL, or grant headers with several grantees, quoted or not", () => {
    assert.deepEqual(aclFromRequest({ ACL: "log-delivery-write" }), { canned: "log-delivery-write" });
    assert.deepEqual(aclFromRequest({ GrantRead: `uri="${ALL_USERS}", id=${OAI}` }), {
      grants: [
        { Grantee: { Type: "Group", URI: ALL_USERS }, Permission: "READ" },
        { Grantee: { Type: "CanonicalUser", ID: OAI }, Permission: "READ" },
      ],
    });
    assert.equal(aclFromRequest({}), undefined);
  });

  for (const [what, req, expected] of [
    ["both a canned ACL and grants", { ACL: "private", GrantRead: `uri="${ALL_USERS}"` }, "InvalidRequest 400"],
    ["an unknown canned ACL", { ACL: "public" }, "InvalidArgument 400"],
    ["an unknown group", { GrantRead: 'uri="http://acs.amazonaws.com/groups/global/Everybody"' }, "InvalidArgument 400"],
    ["an id that is not a canonical id", { GrantWrite: 'id="123"' }, "InvalidArgument 400"],
    ["an unknown grantee type", { GrantWrite: 'arn="x"' }, "InvalidArgument 400"],
    ["an email grantee (no longer supported)", { GrantRead: 'emailAddress="a@example.com"' }, "MethodNotAllowed 405"],
  ] as const) {
    it(`refuses ${what}`, () => assert.equal(code(() => aclFromRequest(req)), expected));
  }
});

describe("aclFromPut", () => {
  it("needs exactly one of headers and body", () => {
    assert.equal(code(() => aclFromPut({})), "MissingSecurityHeader 400");
    assert.equal(code(() => aclFromPut({ ACL: "private", AccessControlPolicy: { Owner: OWNER, Grants: [] } })), "UnexpectedContent 400");
  });
  it("takes the grantee type from the element it has (the reader does not see xsi:type)", () => {
    const acl = aclFromPut({ AccessControlPolicy: { Owner: OWNER, Grants: [{ Grantee: { ID: OWNER.ID } as never, Permission: "FULL_CONTROL" }, { Grantee: { URI: LOG_DELIVERY } as never, Permission: "WRITE" }] } });
    assert.deepEqual(
      "grants" in acl && acl.grants.map((g) => g.Grantee?.Type),
      ["CanonicalUser", "Group"],
    );
    assert.equal(code(() => aclFromPut({ AccessControlPolicy: { Owner: OWNER, Grants: [{ Grantee: { URI: ALL_USERS } as never, Permission: "ALL" as never }] } })), "MalformedACLError 400");
  });
});

describe("grants of canned ACLs", () => {
  const shape = (acl: StoredAcl | undefined) => aclGrants(acl, OWNER).map((g) => `${g.Grantee?.URI ?? g.Grantee?.ID?.slice(0, 1)}:${g.Permission}`);
  for (const [canned, expected] of [
    [undefined, ["a:FULL_CONTROL"]],
    ["private", ["a:FULL_CONTROL"]],
    ["public-read", ["a:FULL_CONTROL", `${ALL_USERS}:READ`]],
    ["public-read-write", ["a:FULL_CONTROL", `${ALL_USERS}:READ`, `${ALL_USERS}:WRITE`]],
    ["authenticated-read", ["a:FULL_CONTROL", `${AUTHENTICATED_USERS}:READ`]],
    ["log-delivery-write", ["a:FULL_CONTROL", `${LOG_DELIVERY}:WRITE`, `${LOG_DELIVERY}:READ_ACP`]],
    ["bucket-owner-full-control", ["a:FULL_CONTROL"]],
  ] as const) {
    it(`${canned ?? "no ACL"} → ${expected.join(", ")}`, () => assert.deepEqual(shape(canned === undefined ? undefined : { canned }), expected));
  }
});

describe("public ACLs and who a grant admits", () => {
  it("AllUsers and AuthenticatedUsers grants are public; LogDelivery's are not", () => {
    assert.equal(isPublicAcl({ canned: "public-read" }), true);
    assert.equal(isPublicAcl({ canned: "authenticated-read" }), true);
    assert.equal(isPublicAcl({ canned: "log-delivery-write" }), false);
    assert.equal(ownerOnlyAcl({ canned: "bucket-owner-full-control" }, OWNER.ID), true);
    assert.equal(ownerOnlyAcl({ canned: "public-read" }, OWNER.ID), false);
  });
  it("AllUsers admits anyone, AuthenticatedUsers only signed callers, a canonical user only itself; FULL_CONTROL covers every permission", () => {
    const anonymous = { authenticated: false };
    const oai = { authenticated: true, canonicalUserId: OAI };
    assert.equal(aclAllows({ canned: "public-read" }, OWNER, anonymous, "READ", false), true);
    assert.equal(aclAllows({ canned: "public-read" }, OWNER, anonymous, "READ", true), false, "IgnorePublicAcls");
    assert.equal(aclAllows({ canned: "public-read" }, OWNER, anonymous, "WRITE", false), false);
    assert.equal(aclAllows({ canned: "authenticated-read" }, OWNER, anonymous, "READ", false), false);
    assert.equal(aclAllows({ canned: "authenticated-read" }, OWNER, oai, "READ", false), true);
    assert.equal(aclAllows({ grants: [{ Grantee: { Type: "CanonicalUser", ID: OAI }, Permission: "FULL_CONTROL" }] }, OWNER, oai, "READ_ACP", false), true);
    assert.equal(aclAllows({ grants: [{ Grantee: { Type: "CanonicalUser", ID: OAI }, Permission: "READ" }] }, OWNER, oai, "READ", true), true, "not public, so not ignored");
  });
});
