// REST routing against the embedded S3 and Lambda models (spec/wire.md §3.2-3.4).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/rest_testing.h"

namespace orgtrail::protocol {
namespace {

class RestRouterTest : public RestModelsTest {
 protected:
  static Route RouteOf(const spec::Service& svc, const std::string& method,
                       const std::string& target, std::vector<http::Header> headers = {}) {
    return RestModelsTest::RouteOf(svc, Req(method, target, std::move(headers)));
  }
  static std::string S3Op(const std::string& method, const std::string& target,
                          std::vector<http::Header> headers = {}) {
    return RouteOf(S3(), method, target, std::move(headers)).operation_name;
  }
  static std::string LambdaOp(const std::string& method, const std::string& target) {
    return RouteOf(Lambda(), method, target).operation_name;
  }
};

struct Row {
  const char* method;
  const char* target;
  const char* operation;
};

TEST_F(RestRouterTest, S3RoutingTable) {
  // spec/wire.md §3.4, plus the sub-resources that route the same way.
  const Row rows[] = {
      {"GET", "/", "ListBuckets"},
      {"PUT", "/b", "CreateBucket"},
      {"HEAD", "/b", "HeadBucket"},
      {"DELETE", "/b", "DeleteBucket"},
      {"GET", "/b?location", "GetBucketLocation"},
      {"GET", "/b?policy", "GetBucketPolicy"},
      {"PUT", "/b?policy", "PutBucketPolicy"},
      {"DELETE", "/b?policy", "DeleteBucketPolicy"},
      {"GET", "/b?acl", "GetBucketAcl"},
      {"PUT", "/b?acl", "PutBucketAcl"},
      {"GET", "/b?list-type=2", "ListObjectsV2"},
      {"GET", "/b?list-type=2&prefix=a%2F&continuation-token=t", "ListObjectsV2"},
      {"GET", "/b", "ListObjects"},
      {"GET", "/b?marker=m&prefix=p&delimiter=%2F&max-keys=5&encoding-type=url", "ListObjects"},
      {"GET", "/b?tagging", "GetBucketTagging"},
      {"PUT", "/b?tagging", "PutBucketTagging"},
      {"DELETE", "/b?tagging", "DeleteBucketTagging"},
      {"GET", "/b?versioning", "GetBucketVersioning"},
      {"PUT", "/b?versioning", "PutBucketVersioning"},
      {"GET", "/b?ownershipControls", "GetBucketOwnershipControls"},
      {"PUT", "/b?ownershipControls", "PutBucketOwnershipControls"},
      {"DELETE", "/b?ownershipControls", "DeleteBucketOwnershipControls"},
      {"GET", "/b?publicAccessBlock", "GetPublicAccessBlock"},
      {"PUT", "/b?publicAccessBlock", "PutPublicAccessBlock"},
      {"DELETE", "/b?publicAccessBlock", "DeletePublicAccessBlock"},
      {"GET", "/b?lifecycle", "GetBucketLifecycleConfiguration"},
      {"PUT", "/b?lifecycle", "PutBucketLifecycleConfiguration"},
      {"DELETE", "/b?lifecycle", "DeleteBucketLifecycle"},
      {"GET", "/b?encryption", "GetBucketEncryption"},
      {"PUT", "/b?encryption", "PutBucketEncryption"},
      {"GET", "/b?notification", "GetBucketNotificationConfiguration"},
      {"GET", "/b?policyStatus", "GetBucketPolicyStatus"},
      {"GET", "/b?versions", "ListObjectVersions"},
      {"GET", "/b?versions&prefix=x&key-marker=k", "ListObjectVersions"},
      {"GET", "/b?uploads", "ListMultipartUploads"},
      {"GET", "/b?analytics", "ListBucketAnalyticsConfigurations"},
      {"GET", "/b?analytics&id=a1", "GetBucketAnalyticsConfiguration"},
      {"PUT", "/b/k", "PutObject"},
      {"GET", "/b/k", "GetObject"},
      {"GET", "/b/k?versionId=v1&partNumber=2", "GetObject"},
      {"HEAD", "/b/k", "HeadObject"},
      {"DELETE", "/b/k", "DeleteObject"},
      {"DELETE", "/b/k?versionId=v1", "DeleteObject"},
      {"POST", "/b?delete", "DeleteObjects"},
      {"POST", "/b/k?uploads", "CreateMultipartUpload"},
      {"PUT", "/b/k?partNumber=1&uploadId=U", "UploadPart"},
      {"PUT", "/b/k?uploadId=U&partNumber=10000", "UploadPart"},
      {"POST", "/b/k?uploadId=U", "CompleteMultipartUpload"},
      {"DELETE", "/b/k?uploadId=U", "AbortMultipartUpload"},
      {"GET", "/b/k?uploadId=U", "ListParts"},
      {"GET", "/b/k?uploadId=U&max-parts=10&part-number-marker=2", "ListParts"},
      {"GET", "/b/k?tagging", "GetObjectTagging"},
      {"PUT", "/b/k?tagging", "PutObjectTagging"},
      {"DELETE", "/b/k?tagging", "DeleteObjectTagging"},
      {"GET", "/b/k?acl", "GetObjectAcl"},
      {"PUT", "/b/k?acl", "PutObjectAcl"},
      {"POST", "/b/k?restore", "RestoreObject"},
      {"POST", "/b/k?select&select-type=2", "SelectObjectContent"},
      // SDK operation markers and presigned-URL parameters do not select anything.
      {"GET", "/b/k?x-id=GetObject", "GetObject"},
      {"GET",
       "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3"
       "%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
       "&X-Amz-Signature=00",
       "GetObject"},
      {"GET", "/b?AWSAccessKeyId=AKID&Expires=1&Signature=x", "ListObjects"},
  };
  for (const Row& r : rows)
    EXPECT_EQ(S3Op(r.method, r.target), r.operation) << r.method << " " << r.target;
}

TEST_F(RestRouterTest, S3CopyHeaderSelectsCopyOperations) {
  std::vector<http::Header> copy = {{"x-amz-copy-source", "/src/key"}};
  EXPECT_EQ(S3Op("PUT", "/b/k", copy), "CopyObject");
  EXPECT_EQ(S3Op("PUT", "/b/k?partNumber=3&uploadId=U", copy), "UploadPartCopy");
  // Header names are case-insensitive.
  EXPECT_EQ(S3Op("PUT", "/b/k", {{"X-Amz-Copy-Source", "src/key"}}), "CopyObject");
}

TEST_F(RestRouterTest, S3UnknownOperations) {
  Route r = RouteOf(S3(), "PATCH", "/b/k");
  EXPECT_EQ(r.operation, nullptr);
  EXPECT_EQ(r.operation_name, "");
  EXPECT_EQ(r.bucket, "b");
  EXPECT_EQ(r.key, "k");
  EXPECT_EQ(S3Op("DELETE", "/b?versioning"), "");
  EXPECT_EQ(S3Op("HEAD", "/"), "");
  EXPECT_EQ(S3Op("POST", "/b?nosuchsubresource"), "");
  EXPECT_EQ(S3Op("GET", "/b?list-type=1"), "");  // list-type must be 2
  EXPECT_EQ(S3Op("PUT", "/b/k?versioning"), "");
  EXPECT_EQ(S3Op("GET", "/b?unrelated=1"), "ListObjects");  // not a sub-resource: ignored
}

TEST_F(RestRouterTest, S3PathStyleKeyDecodedOnce) {
  Route r = RouteOf(S3(), "GET", "/b/a%20b/c%2Bd");
  EXPECT_EQ(r.operation_name, "GetObject");
  EXPECT_EQ(r.bucket, "b");
  EXPECT_EQ(r.key, "a b/c+d");
  EXPECT_EQ(r.labels["Bucket"], "b");
  EXPECT_EQ(r.labels["Key"], "a b/c+d");
  EXPECT_FALSE(r.virtual_host);
  EXPECT_EQ(r.protocol, spec::Protocol::kRestXml);

  // %2F stays part of the key, '+' is literal in a path, "%2541" decodes once to "%41".
  r = RouteOf(S3(), "PUT", "/b/dir%2Fx+y%2541/");
  EXPECT_EQ(r.key, "dir/x+y%41/");
  EXPECT_EQ(r.operation_name, "PutObject");

  r = RouteOf(S3(), "GET", "/b//lead");
  EXPECT_EQ(r.key, "/lead");

  r = RouteOf(S3(), "GET", "/b/");
  EXPECT_EQ(r.operation_name, "ListObjects");
  EXPECT_EQ(r.key, "");
}

TEST_F(RestRouterTest, S3VirtualHostStyle) {
  struct Case {
    const char* host;
    const char* target;
    const char* bucket;
    const char* key;
    const char* operation;
    bool vhost;
  };
  const Case cases[] = {
      {"b.s3.us-east-1.amazonaws.com", "/a%20b", "b", "a b", "GetObject", true},
      {"my.logs.s3.amazonaws.com", "/", "my.logs", "", "ListObjects", true},
      {"b.s3-us-west-2.amazonaws.com", "/?list-type=2", "b", "", "ListObjectsV2", true},
      {"b.s3.dualstack.eu-west-1.amazonaws.com", "/k", "b", "k", "GetObject", true},
      {"b.localhost:4566", "/?location", "b", "", "GetBucketLocation", true},
      {"B.LOCALHOST", "/x/y", "b", "x/y", "GetObject", true},
      {"127.0.0.1:4566", "/b/k", "b", "k", "GetObject", false},
      {"[::1]:4566", "/b/k", "b", "k", "GetObject", false},
      {"localhost:4566", "/b", "b", "", "ListObjects", false},
      {"s3.us-east-1.amazonaws.com", "/b?location", "b", "", "GetBucketLocation", false},
      {"s3.amazonaws.com", "/", "", "", "ListBuckets", false},
      {"s3-us-west-2.amazonaws.com", "/b/k", "b", "k", "GetObject", false},
      {"example.com", "/b/k", "b", "k", "GetObject", false},
  };
  for (const Case& c : cases) {
    Route r = RouteOf(S3(), "GET", c.target, {{"Host", c.host}});
    EXPECT_EQ(r.operation_name, c.operation) << c.host << c.target;
    EXPECT_EQ(r.bucket, c.bucket) << c.host << c.target;
    EXPECT_EQ(r.key, c.key) << c.host << c.target;
    EXPECT_EQ(r.virtual_host, c.vhost) << c.host << c.target;
    if (*c.bucket) {
      EXPECT_EQ(r.labels["Bucket"], c.bucket) << c.host;
    }
  }
  EXPECT_EQ(RouteOf(S3(), "PUT", "/", {{"Host", "nb.s3.amazonaws.com"}}).operation_name,
            "CreateBucket");
  EXPECT_EQ(RouteOf(S3(), "PUT", "/k", {{"Host", "b.localhost"}, {"x-amz-copy-source", "s/k"}})
                .operation_name,
            "CopyObject");
}

// Every operation of the model, requested the way its template describes, routes to itself
// (deprecated aliases to their successor).
TEST_F(RestRouterTest, EveryS3OperationRoutesToItself) {
  const std::map<std::string, std::string> aliases = {
      {"GetBucketLifecycle", "GetBucketLifecycleConfiguration"},
      {"PutBucketLifecycle", "PutBucketLifecycleConfiguration"},
      {"GetBucketNotification", "GetBucketNotificationConfiguration"},
      {"PutBucketNotification", "PutBucketNotificationConfiguration"},
      {"ListDirectoryBuckets", "ListBuckets"},
  };
  int checked = 0;
  for (const auto& [name, op] : S3().operations) {
    std::string target = op.request_uri;
    for (auto [label, value] : {std::pair{"{Bucket}", "bkt"}, std::pair{"{Key+}", "k/x"}})
      if (size_t p = target.find(label); p != std::string::npos)
        target.replace(p, std::string(label).size(), value);
    std::vector<http::Header> headers;
    char sep = target.find('?') == std::string::npos ? '?' : '&';
    for (const spec::Member& m : op.input ? op.input->members : std::vector<spec::Member>{}) {
      if (!m.required) continue;
      if (m.location == spec::Location::kQueryString) {
        target += sep + m.WireName() + "=v";
        sep = '&';
      } else if (m.location == spec::Location::kHeader) {
        headers.push_back({m.WireName(), "v"});
      }
    }
    auto alias = aliases.find(name);
    std::string want = alias == aliases.end() ? name : alias->second;
    EXPECT_EQ(S3Op(op.http_method, target, headers), want) << op.http_method << " " << target;
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST_F(RestRouterTest, LambdaRoutes) {
  // CLI v1 sends no trailing slash, CLI v2 does (spec/wire.md §2).
  EXPECT_EQ(LambdaOp("GET", "/2015-03-31/functions"), "ListFunctions");
  EXPECT_EQ(LambdaOp("GET", "/2015-03-31/functions/"), "ListFunctions");
  EXPECT_EQ(LambdaOp("GET", "/2015-03-31/functions/?MaxItems=10"), "ListFunctions");
  EXPECT_EQ(LambdaOp("POST", "/2015-03-31/functions"), "CreateFunction");
  EXPECT_EQ(LambdaOp("GET", "/2015-03-31/functions/f"), "GetFunction");
  EXPECT_EQ(LambdaOp("DELETE", "/2015-03-31/functions/f"), "DeleteFunction");
  EXPECT_EQ(LambdaOp("POST", "/2015-03-31/functions/f/policy"), "AddPermission");
  EXPECT_EQ(LambdaOp("DELETE", "/2015-03-31/functions/f/policy/sid-1"), "RemovePermission");
  EXPECT_EQ(LambdaOp("GET", "/2018-10-31/layers"), "ListLayers");
  EXPECT_EQ(LambdaOp("GET", "/2018-10-31/layers?find=LayerVersion&Arn=x"), "GetLayerVersionByArn");
  EXPECT_EQ(LambdaOp("GET", "/2019-09-30/functions/f/provisioned-concurrency?List=ALL"),
            "ListProvisionedConcurrencyConfigs");
  EXPECT_EQ(LambdaOp("GET", "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=1"),
            "GetProvisionedConcurrencyConfig");
  EXPECT_EQ(LambdaOp("GET", "/2015-03-31/nothing"), "");
  EXPECT_EQ(LambdaOp("PATCH", "/2015-03-31/functions"), "");
  EXPECT_EQ(LambdaOp("GET", "/2015-03-31/functions//policy"), "");  // empty label
}

TEST_F(RestRouterTest, LambdaArnFunctionNameIsDecoded) {
  Route r = RouteOf(Lambda(), "POST",
                    "/2015-03-31/functions/"
                    "arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Af/invocations");
  EXPECT_EQ(r.operation_name, "Invoke");
  EXPECT_EQ(r.labels["FunctionName"], "arn:aws:lambda:us-east-1:111111111111:function:f");
  EXPECT_EQ(r.protocol, spec::Protocol::kRestJson);
  EXPECT_EQ(r.service, &Lambda());

  r = RouteOf(Lambda(), "DELETE", "/2015-03-31/functions/111111111111%3Afunction%3Af%3Aprod/");
  EXPECT_EQ(r.operation_name, "DeleteFunction");
  EXPECT_EQ(r.labels["FunctionName"], "111111111111:function:f:prod");
}

TEST_F(RestRouterTest, EveryLambdaOperationRoutesToItself) {
  for (const auto& [name, op] : Lambda().operations) {
    std::string target;
    bool in_label = false;
    for (char c : op.request_uri) {
      if (c == '{') {
        in_label = true;
        target += "x1";
      } else if (c == '}') {
        in_label = false;
      } else if (!in_label) {
        target += c;
      }
    }
    EXPECT_EQ(LambdaOp(op.http_method, target), name) << op.http_method << " " << target;
    EXPECT_EQ(
        LambdaOp(op.http_method, target.find('?') == std::string::npos ? target + "/" : target),
        name)
        << op.http_method << " " << target << "/";
  }
}

}  // namespace
}  // namespace orgtrail::protocol
