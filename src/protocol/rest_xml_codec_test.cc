// REST-XML (S3) parsing and rendering against the embedded S3 model (spec/wire.md §4, §6.4, §7).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/rest_testing.h"
#include "protocol/xml_writer.h"

namespace orgtrail::protocol {
namespace {

constexpr int64_t kT = 1795705445;  // 2026-11-26T15:04:05Z
const std::string kDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const std::string kNs = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

class RestXmlTest : public RestModelsTest {
 protected:
  static Route RouteOf(const http::Request& req) { return RestModelsTest::RouteOf(S3(), req); }
  static Route RouteFor(const std::string& op) {
    return RouteTo(S3(), spec::Protocol::kRestXml, op);
  }
  static Result<Value> Parse(const http::Request& req) {
    return internal::ParseRestXmlInput(req, RouteOf(req));
  }
  static ResponseContext Ctx(bool head = false) {
    ResponseContext ctx;
    ctx.request_id = "4442587FB7D0A2F9";
    ctx.host_id = "aG9zdA==";
    ctx.head = head;
    return ctx;
  }
};

TEST_F(RestXmlTest, ListObjectsV2OutputExact) {
  Value out = Value::MakeMap();
  out.Set("IsTruncated", false);
  Value contents = Value::MakeList();
  contents.Append(Value::MakeMap()
                      .Set("Key", "a b.txt")
                      .Set("LastModified", kT)
                      .Set("ETag", "\"900150983cd24fb0d6963f7d28e17f72\"")
                      .Set("Size", 3)
                      .Set("StorageClass", "STANDARD"));
  contents.Append(Value::MakeMap()
                      .Set("Key", "x&y<z>")
                      .Set("LastModified", kT + 0.25)
                      .Set("Size", 0)
                      .Set("StorageClass", "STANDARD"));
  out.Set("Contents", contents);
  out.Set("Name", "b");
  out.Set("Prefix", "");
  out.Set("Delimiter", "/");
  out.Set("MaxKeys", 1000);
  Value prefixes = Value::MakeList();
  prefixes.Append(Value::MakeMap().Set("Prefix", "d/"));
  prefixes.Append(Value::MakeMap().Set("Prefix", "e/"));
  out.Set("CommonPrefixes", prefixes);
  out.Set("KeyCount", 4);

  http::Response resp = internal::SerializeRestXmlOutput(RouteFor("ListObjectsV2"), out, Ctx());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body,
            kDecl + "<ListBucketResult " + kNs +
                "><IsTruncated>false</IsTruncated>"
                "<Contents><Key>a b.txt</Key><LastModified>2026-11-26T15:04:05.000Z</LastModified>"
                "<ETag>\"900150983cd24fb0d6963f7d28e17f72\"</ETag><Size>3</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>"
                "<Contents><Key>x&amp;y&lt;z&gt;</Key>"
                "<LastModified>2026-11-26T15:04:05.250Z</LastModified><Size>0</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>"
                "<Name>b</Name><Prefix></Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys>"
                "<CommonPrefixes><Prefix>d/</Prefix></CommonPrefixes>"
                "<CommonPrefixes><Prefix>e/</Prefix></CommonPrefixes>"
                "<KeyCount>4</KeyCount></ListBucketResult>");
  ASSERT_NE(resp.FindHeader("Content-Type"), nullptr);
  EXPECT_EQ(*resp.FindHeader("Content-Type"), "application/xml");
  EXPECT_EQ(*resp.FindHeader("x-amz-request-id"), "4442587FB7D0A2F9");
  EXPECT_EQ(*resp.FindHeader("x-amz-id-2"), "aG9zdA==");
}

TEST_F(RestXmlTest, ListBucketsRootAndWrappedList) {
  Value buckets = Value::MakeList();
  buckets.Append(Value::MakeMap().Set("Name", "b1").Set("CreationDate", kT));
  Value out = Value::MakeMap()
                  .Set("Buckets", buckets)
                  .Set("Owner", Value::MakeMap().Set("DisplayName", "me").Set("ID", "abc"));
  http::Response resp = internal::SerializeRestXmlOutput(RouteFor("ListBuckets"), out, Ctx());
  EXPECT_EQ(resp.body, kDecl + "<ListAllMyBucketsResult " + kNs +
                           "><Buckets><Bucket><Name>b1</Name>"
                           "<CreationDate>2026-11-26T15:04:05.000Z</CreationDate></Bucket>"
                           "</Buckets><Owner><DisplayName>me</DisplayName><ID>abc</ID></Owner>"
                           "</ListAllMyBucketsResult>");
}

TEST_F(RestXmlTest, GetBucketLocationIsRootText) {
  Value out = Value::MakeMap().Set("LocationConstraint", "eu-west-1");
  http::Response resp = internal::SerializeRestXmlOutput(RouteFor("GetBucketLocation"), out, Ctx());
  EXPECT_EQ(resp.body, kDecl + "<LocationConstraint " + kNs + ">eu-west-1</LocationConstraint>");
  resp = internal::SerializeRestXmlOutput(RouteFor("GetBucketLocation"), Value::MakeMap(), Ctx());
  EXPECT_EQ(resp.body, kDecl + "<LocationConstraint " + kNs + "></LocationConstraint>");
}

TEST_F(RestXmlTest, GetBucketAclWritesGranteeNamespaceAndAttribute) {
  Value grants = Value::MakeList();
  grants.Append(Value::MakeMap()
                    .Set("Grantee", Value::MakeMap().Set("ID", "abc").Set("Type", "CanonicalUser"))
                    .Set("Permission", "FULL_CONTROL"));
  Value out =
      Value::MakeMap().Set("Owner", Value::MakeMap().Set("ID", "abc")).Set("Grants", grants);
  http::Response resp = internal::SerializeRestXmlOutput(RouteFor("GetBucketAcl"), out, Ctx());
  EXPECT_EQ(resp.body, kDecl + "<AccessControlPolicy " + kNs +
                           "><Owner><ID>abc</ID></Owner><AccessControlList><Grant>"
                           "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                           "xsi:type=\"CanonicalUser\"><ID>abc</ID></Grantee>"
                           "<Permission>FULL_CONTROL</Permission></Grant></AccessControlList>"
                           "</AccessControlPolicy>");
}

TEST_F(RestXmlTest, StructurePayloadAndHeaders) {
  Value out =
      Value::MakeMap()
          .Set("CopyObjectResult", Value::MakeMap().Set("ETag", "\"e\"").Set("LastModified", kT))
          .Set("VersionId", "v1");
  http::Response resp = internal::SerializeRestXmlOutput(RouteFor("CopyObject"), out, Ctx());
  EXPECT_EQ(resp.body, kDecl + "<CopyObjectResult " + kNs +
                           "><ETag>\"e\"</ETag><LastModified>2026-11-26T15:04:05.000Z"
                           "</LastModified></CopyObjectResult>");
  EXPECT_EQ(*resp.FindHeader("x-amz-version-id"), "v1");
}

TEST_F(RestXmlTest, GetObjectBodyAndHeaders) {
  Value out = Value::MakeMap()
                  .Set("Body", "hello")
                  .Set("ContentLength", 5)
                  .Set("ContentType", "text/plain")
                  .Set("ETag", "\"5d41402abc4b2a76b9719d911017c592\"")
                  .Set("LastModified", kT)
                  .Set("Metadata", Value::MakeMap().Set("color", "red"))
                  .Set("DeleteMarker", false);
  http::Response resp = internal::SerializeRestXmlOutput(RouteFor("GetObject"), out, Ctx());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "hello");
  EXPECT_EQ(*resp.FindHeader("Content-Type"), "text/plain");
  EXPECT_EQ(*resp.FindHeader("Last-Modified"), "Thu, 26 Nov 2026 15:04:05 GMT");
  EXPECT_EQ(*resp.FindHeader("x-amz-meta-color"), "red");
  EXPECT_EQ(*resp.FindHeader("x-amz-delete-marker"), "false");
  EXPECT_EQ(resp.FindHeader("Content-Length"), nullptr);  // framing belongs to the server

  Value ranged = out;
  ranged.Set("Body", "ell").Set("ContentLength", 3).Set("ContentRange", "bytes 1-3/5");
  resp = internal::SerializeRestXmlOutput(RouteFor("GetObject"), ranged, Ctx());
  EXPECT_EQ(resp.status, 206);
  EXPECT_EQ(*resp.FindHeader("Content-Range"), "bytes 1-3/5");

  // HEAD: headers only, the object's length announced.
  out.Erase("Body");
  resp = internal::SerializeRestXmlOutput(RouteFor("HeadObject"), out, Ctx(/*head=*/true));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(resp.content_length, 5);
  EXPECT_EQ(*resp.FindHeader("ETag"), "\"5d41402abc4b2a76b9719d911017c592\"");
  EXPECT_EQ(*resp.FindHeader("Content-Type"), "text/plain");
}

TEST_F(RestXmlTest, DeleteStatusesAndEmptyOutputs) {
  for (const char* op : {"DeleteObject", "DeleteBucket", "DeleteBucketPolicy"}) {
    http::Response resp = internal::SerializeRestXmlOutput(RouteFor(op), Value::MakeMap(), Ctx());
    EXPECT_EQ(resp.status, 204) << op;
    EXPECT_EQ(resp.body, "") << op;
  }
  http::Response resp = internal::SerializeRestXmlOutput(
      RouteFor("PutObject"), Value::MakeMap().Set("ETag", "\"e\""), Ctx());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(resp.FindHeader("Content-Type"), nullptr);
  EXPECT_EQ(*resp.FindHeader("ETag"), "\"e\"");
  resp = internal::SerializeRestXmlOutput(RouteFor("HeadBucket"), Value::MakeMap(),
                                          Ctx(/*head=*/true));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.content_length, 0);
}

TEST_F(RestXmlTest, PutObjectInputFromHeadersAndBody) {
  http::Request req = Req("PUT", "/b/dir/a%20b.txt",
                          {{"Host", "127.0.0.1:4566"},
                           {"Content-Type", "text/plain"},
                           {"Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="},
                           {"Content-Length", "5"},
                           {"x-amz-meta-Color", "red"},
                           {"X-Amz-Meta-size", " 3 "},
                           {"Expires", "Thu, 26 Nov 2026 15:04:05 GMT"},
                           {"x-amz-object-lock-retain-until-date", "2026-11-26T15:04:05.000Z"},
                           {"x-amz-server-side-encryption-bucket-key-enabled", "true"}},
                          "hello");
  Result<Value> in = Parse(req);
  ASSERT_TRUE(in.ok()) << in.error().code << ": " << in.error().message;
  EXPECT_EQ(in->GetString("Bucket"), "b");
  EXPECT_EQ(in->GetString("Key"), "dir/a b.txt");
  EXPECT_EQ(in->GetString("Body"), "hello");
  EXPECT_EQ(in->GetString("ContentType"), "text/plain");
  EXPECT_EQ(in->GetString("ContentMD5"), "XUFAKrxLKna5cZ2REBfFkg==");
  EXPECT_EQ((*in)["ContentLength"], Value(5));
  EXPECT_EQ((*in)["Metadata"], Value::MakeMap().Set("color", "red").Set("size", "3"));
  EXPECT_EQ(in->GetString("Expires"), "Thu, 26 Nov 2026 15:04:05 GMT");  // a string shape
  EXPECT_EQ((*in)["ObjectLockRetainUntilDate"], Value(kT));
  EXPECT_EQ((*in)["BucketKeyEnabled"], Value(true));

  // Header timestamps are HTTP dates.
  in = Parse(Req("GET", "/b/k", {{"If-Modified-Since", "Thu, 26 Nov 2026 15:04:05 GMT"}}));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ((*in)["IfModifiedSince"], Value(kT));

  // An empty upload is an empty object, not a missing body.
  in = Parse(Req("PUT", "/b/empty"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ((*in)["Body"], Value(""));
}

TEST_F(RestXmlTest, QueryStringMembersAreTyped) {
  Result<Value> in =
      Parse(Req("GET", "/b?list-type=2&prefix=a%2Fb&max-keys=5&fetch-owner=true&start-after=x+y"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->GetString("Prefix"), "a/b");
  EXPECT_EQ((*in)["MaxKeys"], Value(5));
  EXPECT_EQ((*in)["FetchOwner"], Value(true));
  EXPECT_EQ(in->GetString("StartAfter"), "x y");
  EXPECT_FALSE(in->Has("ContinuationToken"));

  in = Parse(Req("PUT", "/b/k?partNumber=7&uploadId=U1", {}, "part"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ((*in)["PartNumber"], Value(7));
  EXPECT_EQ(in->GetString("UploadId"), "U1");
  EXPECT_EQ(in->GetString("Body"), "part");
}

TEST_F(RestXmlTest, CreateBucketConfigurationBody) {
  Result<Value> in = Parse(Req("PUT", "/nb", {{"x-amz-acl", "private"}},
                               "<CreateBucketConfiguration "
                               "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
                               "  <LocationConstraint>eu-west-1</LocationConstraint>\n"
                               "  <Tags><Tag><Key>team</Key><Value>a &amp; b</Value></Tag></Tags>\n"
                               "</CreateBucketConfiguration>"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->GetString("Bucket"), "nb");
  EXPECT_EQ(in->GetString("ACL"), "private");
  Value tags = Value::MakeList();
  tags.Append(Value::MakeMap().Set("Key", "team").Set("Value", "a & b"));
  EXPECT_EQ((*in)["CreateBucketConfiguration"],
            Value::MakeMap().Set("LocationConstraint", "eu-west-1").Set("Tags", tags));

  // No body: no configuration (us-east-1).
  in = Parse(Req("PUT", "/nb"));
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->Has("CreateBucketConfiguration"));
}

TEST_F(RestXmlTest, DeleteObjectsBodyWithFlattenedList) {
  Result<Value> in =
      Parse(Req("POST", "/b?delete", {{"Content-MD5", "x"}},
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Object><Key>a</Key></Object>"
                "<Object><Key><![CDATA[b<1>]]></Key><VersionId>v1</VersionId></Object>"
                "<Object><Key> </Key></Object>"
                "<Quiet>true</Quiet></Delete>"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  Value objects = Value::MakeList();
  objects.Append(Value::MakeMap().Set("Key", "a"));
  objects.Append(Value::MakeMap().Set("Key", "b<1>").Set("VersionId", "v1"));
  objects.Append(Value::MakeMap().Set("Key", " "));
  EXPECT_EQ((*in)["Delete"], Value::MakeMap().Set("Objects", objects).Set("Quiet", true));
}

TEST_F(RestXmlTest, CompleteMultipartUploadBodyAndDeleteObjectsOutput) {
  Result<Value> in = Parse(Req("POST", "/b/big.bin?uploadId=U1", {},
                               "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/"
                               "2006-03-01/\"><Part><ETag>\"e1\"</ETag><PartNumber>1</PartNumber>"
                               "</Part><Part><ETag>\"e2\"</ETag><PartNumber>2</PartNumber></Part>"
                               "</CompleteMultipartUpload>"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->GetString("UploadId"), "U1");
  Value parts = Value::MakeList();
  parts.Append(Value::MakeMap().Set("ETag", "\"e1\"").Set("PartNumber", 1));
  parts.Append(Value::MakeMap().Set("ETag", "\"e2\"").Set("PartNumber", 2));
  EXPECT_EQ((*in)["MultipartUpload"], Value::MakeMap().Set("Parts", parts));

  Value deleted = Value::MakeList();
  deleted.Append(Value::MakeMap().Set("Key", "a"));
  Value errors = Value::MakeList();
  errors.Append(Value::MakeMap().Set("Key", "b").Set("Code", "AccessDenied"));
  http::Response resp = internal::SerializeRestXmlOutput(
      RouteFor("DeleteObjects"), Value::MakeMap().Set("Deleted", deleted).Set("Errors", errors),
      Ctx());
  EXPECT_EQ(resp.body, kDecl + "<DeleteResult " + kNs +
                           "><Deleted><Key>a</Key></Deleted>"
                           "<Error><Key>b</Key><Code>AccessDenied</Code></Error></DeleteResult>");
}

TEST_F(RestXmlTest, PrefixedElementsAndAttributesAreRead) {
  Result<Value> in =
      Parse(Req("PUT", "/b?acl", {},
                "<s3:AccessControlPolicy xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<s3:AccessControlList><s3:Grant>"
                "<s3:Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                "xsi:type=\"Group\"><s3:URI>http://acs.amazonaws.com/groups/global/AllUsers"
                "</s3:URI></s3:Grantee><s3:Permission>READ</s3:Permission></s3:Grant>"
                "</s3:AccessControlList></s3:AccessControlPolicy>"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  const Value& grant = (*in)["AccessControlPolicy"]["Grants"].AsList().at(0);
  EXPECT_EQ(grant["Grantee"]["Type"], Value("Group"));
  EXPECT_EQ(grant["Grantee"]["URI"], Value("http://acs.amazonaws.com/groups/global/AllUsers"));
  EXPECT_EQ(grant["Permission"], Value("READ"));
}

TEST_F(RestXmlTest, RawStringPayload) {
  Result<Value> in = Parse(Req("PUT", "/b?policy", {}, "{\"Version\":\"2012-10-17\"}"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->GetString("Policy"), "{\"Version\":\"2012-10-17\"}");
  http::Response resp = internal::SerializeRestXmlOutput(
      RouteFor("GetBucketPolicy"), Value::MakeMap().Set("Policy", "{}"), Ctx());
  EXPECT_EQ(resp.body, "{}");
}

TEST_F(RestXmlTest, MalformedXmlIsRejected) {
  for (const char* body : {"<Delete><Object><Key>a</Key></Delete>", "not xml", "<a>",
                           "<Delete><Quiet>maybe</Quiet></Delete>"}) {
    Result<Value> in = Parse(Req("POST", "/b?delete", {}, body));
    ASSERT_FALSE(in.ok()) << body;
    EXPECT_EQ(in.error().code, "MalformedXML");
    EXPECT_EQ(in.error().status, 400);
    EXPECT_EQ(in.error().message,
              "The XML you provided was not well-formed or did not validate against our "
              "published schema");
  }
}

TEST_F(RestXmlTest, ErrorXmlExact) {
  Route route = RouteFor("GetObject");
  AwsError err("NoSuchKey", "The specified key does not exist.");
  err.With("Key", "a/b");
  http::Response resp = internal::SerializeRestXmlError(route, err, Ctx());
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.body,
            kDecl +
                "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
                "<Key>a/b</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>aG9zdA==</HostId>"
                "</Error>");
  EXPECT_EQ(*resp.FindHeader("Content-Type"), "application/xml");
  EXPECT_EQ(*resp.FindHeader("x-amz-request-id"), "4442587FB7D0A2F9");
  EXPECT_EQ(*resp.FindHeader("x-amz-id-2"), "aG9zdA==");

  // The model's default message; extra fields in order.
  resp = internal::SerializeRestXmlError(
      route, AwsError("NoSuchBucket", "").With("BucketName", "b"), Ctx());
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.body, kDecl +
                           "<Error><Code>NoSuchBucket</Code>"
                           "<Message>The specified bucket does not exist.</Message>"
                           "<BucketName>b</BucketName><RequestId>4442587FB7D0A2F9</RequestId>"
                           "<HostId>aG9zdA==</HostId></Error>");

  // Unmodelled errors carry their own status.
  resp =
      internal::SerializeRestXmlError(route, AwsError("AccessDenied", "Access Denied", 403), Ctx());
  EXPECT_EQ(resp.status, 403);
  EXPECT_NE(resp.body.find("<Code>AccessDenied</Code><Message>Access Denied</Message>"),
            std::string::npos);
}

TEST_F(RestXmlTest, HeadErrorHasNoBody) {
  http::Response resp = internal::SerializeRestXmlError(
      RouteFor("HeadObject"), AwsError("NoSuchKey", ""), Ctx(/*head=*/true));
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(*resp.FindHeader("x-amz-request-id"), "4442587FB7D0A2F9");
}

TEST_F(RestXmlTest, GenericErrorsUseS3Codes) {
  Route unknown;
  unknown.service = &S3();
  unknown.protocol = spec::Protocol::kRestXml;
  http::Response resp =
      internal::SerializeRestXmlError(unknown, AwsError("UnknownOperationException", ""), Ctx());
  EXPECT_EQ(resp.status, 405);
  EXPECT_NE(resp.body.find("<Code>MethodNotAllowed</Code><Message>The specified method is not "
                           "allowed against this resource.</Message>"),
            std::string::npos);

  resp = internal::SerializeRestXmlError(unknown, InternalFailure("boom"), Ctx());
  EXPECT_EQ(resp.status, 500);
  EXPECT_NE(resp.body.find("<Code>InternalError</Code><Message>boom</Message>"), std::string::npos);

  resp = internal::SerializeRestXmlError(
      RouteFor("GetBucketAbac"),
      AwsError("NotImplemented", "orgtrail does not implement S3.GetBucketAbac", 501), Ctx());
  EXPECT_EQ(resp.status, 501);
  EXPECT_NE(resp.body.find("<Code>NotImplemented</Code>"), std::string::npos);

  // Works without a service model.
  Route none;
  none.protocol = spec::Protocol::kRestXml;
  resp = internal::SerializeRestXmlError(none, AwsError("MethodNotAllowed", "no", 405), Ctx());
  EXPECT_EQ(resp.status, 405);
}

TEST(XmlWriterTest, Escaping) {
  std::string text, attr;
  AppendXmlEscaped(text, "<a&b>\"'\r\n\t\x01", /*attribute=*/false);
  EXPECT_EQ(text, "&lt;a&amp;b&gt;\"'&#xD;\n\t&#x1;");
  AppendXmlEscaped(attr, "\"'<\n", /*attribute=*/true);
  EXPECT_EQ(attr, "&quot;&apos;&lt;&#xA;");

  XmlWriter w;
  w.Start("a");
  w.Attribute("k", "v&");
  w.Start("b");
  w.End("b");
  w.Element("c", "x");
  w.End("a");
  EXPECT_EQ(w.str(), "<a k=\"v&amp;\"><b></b><c>x</c></a>");
}

}  // namespace
}  // namespace orgtrail::protocol
