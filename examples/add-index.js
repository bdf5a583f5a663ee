// A CloudFront Function (viewer request): serves /docs/ and /docs as /docs/index.html, as an S3
// origin needs. From the AWS documentation's "Add index.html to request URLs" example.
async function handler(event) {
  const request = event.request;
  if (request.uri.endsWith("/")) request.uri += "index.html";
  else if (!request.uri.includes(".")) request.uri += "/index.html";
  return request;
}
