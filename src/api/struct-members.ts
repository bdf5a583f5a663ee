// A structure's members as the protocol codecs read them on every request, listed once per shape:
// NormalizedSchema.structIterator() makes new member wrappers on each call and works their merged
// traits out again, which was a visible share of a small control-plane call.
import type { NormalizedSchema } from "@smithy/core/schema";
import { requiredMemberCount } from "./model.ts";

export interface StructMember {
  readonly name: string;
  readonly schema: NormalizedSchema;
  readonly traits: ReturnType<NormalizedSchema["getMergedTraits"]>;
  readonly required: boolean;
}

// Keyed by the SDK's static schema object, which is stable; NormalizedSchema wrappers may not be.
// A unit output (`TagResource`) is not an object and has no members.
const MEMBERS = new WeakMap<object, readonly StructMember[]>();
const NONE: readonly StructMember[] = [];

/** The members of a structure schema, in model order. */
export function structMembers(struct: NormalizedSchema): readonly StructMember[] {
  const key = struct.getSchema() as unknown;
  if (typeof key !== "object" || key === null) return struct.isStructSchema() ? listMembers(struct) : NONE;
  let members = MEMBERS.get(key);
  if (!members) {
    members = listMembers(struct);
    MEMBERS.set(key, members);
  }
  return members;
}

function listMembers(struct: NormalizedSchema): StructMember[] {
  const required = requiredMemberCount(struct);
  const list: StructMember[] = [];
  for (const [name, schema] of struct.structIterator()) list.push({ name, schema, traits: schema.getMergedTraits(), required: list.length < required });
  return list;
}
