// RTMP (streaming) distributions: the seven *StreamingDistribution* operations, answered as AWS
// answers them since it discontinued RTMP distributions on December 31, 2020 (CloudFront API
// reference "CreateStreamingDistribution": "This API is deprecated. Amazon CloudFront is
// deprecating real-time messaging protocol (RTMP) distributions on December 31, 2020"; Developer
// Guide "Document history", RTMP distributions removed). None can exist any more, so:
// - Create and CreateWithTags refuse: InvalidArgument (400). That AWS refuses is documented; its
//   exact code and wording are unverified.
// - Get, GetConfig, Update and Delete: NoSuchStreamingDistribution (404), the model's not-found
//   error and the only answer consistent with there being no streaming distributions.
// - List: an empty StreamingDistributionList.
import type { ListStreamingDistributionsRequest, ListStreamingDistributionsResult } from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { messages } from "../messages.ts";
import { DEFAULT_MAX_ITEMS } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;

const refuse = (): never => fail("InvalidArgument", messages.rtmpDiscontinued());
const notFound = (): never => fail("NoSuchStreamingDistribution", messages.noSuchStreamingDistribution());

export const CreateStreamingDistribution = refuse;
export const CreateStreamingDistributionWithTags = refuse;
export const GetStreamingDistribution = notFound;
export const GetStreamingDistributionConfig = notFound;
export const UpdateStreamingDistribution = notFound;
export const DeleteStreamingDistribution = notFound;

export function ListStreamingDistributions({ Marker, MaxItems }: ListStreamingDistributionsRequest, _ctx: Ctx): ListStreamingDistributionsResult {
  return { StreamingDistributionList: { Marker: Marker ?? "", MaxItems: MaxItems ?? DEFAULT_MAX_ITEMS, IsTruncated: false, Quantity: 0 } };
}
