// REST-XML (S3): request parsing and response/error rendering, driven by the model
// (spec/wire.md §3.4, §4, §6.4, §7). XML bodies are parsed with pugixml; element names come from
// the shapes (member locationName, else the target shape's locationName, else the member name);
// flattened lists and maps repeat their element without a wrapper (S3 Contents,
// CommonPrefixes, Delete/Object).
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "core/body_file.h"
#include "core/encoding.h"
#include "protocol/internal.h"
#include "protocol/rest_common.h"
#include "protocol/xml_writer.h"

namespace orgtrail::protocol::internal {
namespace {

constexpr int kMaxXmlDepth = 64;
constexpr std::string_view kContentTypeXml = "application/xml";

AwsError MalformedXml() {
  return AwsError("MalformedXML",
                  "The XML you provided was not well-formed or did not validate against our "
                  "published schema",
                  400);
}

// The namespace of the service's documents: metadata.xmlNamespace, else the AWS convention
// http://<endpointPrefix>.amazonaws.com/doc/<apiVersion>/ (S3's model carries none).
std::string DocumentNamespace(const spec::Service& service) {
  if (!service.xml_namespace.empty()) return service.xml_namespace;
  return "http://" + service.endpoint_prefix + ".amazonaws.com/doc/" + service.api_version + "/";
}

std::string_view LocalName(std::string_view qname) {
  size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

const std::string& XmlName(const spec::Member& m) {
  if (!m.location_name.empty()) return m.location_name;
  if (m.shape && !m.shape->location_name.empty()) return m.shape->location_name;
  return m.name;
}

bool IsFlattened(const spec::Member& m) { return m.flattened || (m.shape && m.shape->flattened); }

// Element name of each item of a flattened list member.
const std::string& FlatItemName(const spec::Member& m) {
  const spec::Member& item = m.shape->member;
  if (!item.location_name.empty()) return item.location_name;
  if (item.shape && !item.shape->location_name.empty()) return item.shape->location_name;
  return XmlName(m);
}

// Element name of each item inside a wrapped list.
std::string ListItemName(const spec::Shape& list) {
  const spec::Member& item = list.member;
  if (!item.location_name.empty()) return item.location_name;
  if (item.shape && !item.shape->location_name.empty()) return item.shape->location_name;
  return "member";
}

std::string MapPartName(const spec::Member& part, const char* fallback) {
  return part.location_name.empty() ? fallback : part.location_name;
}

// --- reading ---------------------------------------------------------------------------------

std::string NodeText(pugi::xml_node node) {
  std::string text;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
  return text;
}

Result<Value> ReadNode(pugi::xml_node node, const spec::Shape& shape, std::string_view ts_format,
                       int depth);

Result<Value> ReadMapEntry(pugi::xml_node entry, const spec::Shape& map, Value& out, int depth) {
  std::string key_name = MapPartName(map.key, "key");
  std::string value_name = MapPartName(map.value, "value");
  pugi::xml_node k, v;
  for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view local = LocalName(c.name());
    if (local == key_name) k = c;
    if (local == value_name) v = c;
  }
  if (!k || !map.value.shape) return MalformedXml();
  Value value;
  if (v) {
    ORGTRAIL_TRY(value, ReadNode(v, *map.value.shape, rest::kIso8601, depth + 1));
  }
  out.Set(NodeText(k), std::move(value));
  return Value();
}

Result<Value> ReadStructure(pugi::xml_node node, const spec::Shape& shape, int depth) {
  Value out = Value::MakeMap();
  for (const spec::Member& m : shape.members) {
    if (!m.xml_attribute || !m.shape) continue;
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      if (std::string_view(a.name()) == m.WireName() ||
          LocalName(a.name()) == LocalName(m.WireName())) {
        out.Set(m.name, rest::ParseScalarText(*m.shape, a.value(), rest::kIso8601));
        break;
      }
    }
  }
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view local = LocalName(c.name());
    for (const spec::Member& m : shape.members) {
      if (!m.shape || m.xml_attribute || !rest::IsBodyMember(m)) continue;
      const bool flat = IsFlattened(m);
      const bool is_list = m.shape->type == spec::ShapeType::kList;
      const bool is_map = m.shape->type == spec::ShapeType::kMap;
      if (flat && is_list) {
        if (local != FlatItemName(m) || !m.shape->member.shape) continue;
        ORGTRAIL_TRY(Value item,
                     ReadNode(c, *m.shape->member.shape,
                              rest::TimestampFormat(m.shape->member, rest::kIso8601), depth + 1));
        Value* list = out.Find(m.name);
        if (!list) list = &out.Set(m.name, Value::MakeList()).MutableMap().back().second;
        list->Append(std::move(item));
      } else if (flat && is_map) {
        if (local != XmlName(m)) continue;
        Value* map = out.Find(m.name);
        if (!map) map = &out.Set(m.name, Value::MakeMap()).MutableMap().back().second;
        ORGTRAIL_CHECK(ReadMapEntry(c, *m.shape, *map, depth + 1));
      } else {
        if (local != XmlName(m)) continue;
        ORGTRAIL_TRY(Value v,
                     ReadNode(c, *m.shape, rest::TimestampFormat(m, rest::kIso8601), depth + 1));
        out.Set(m.name, std::move(v));
      }
      break;
    }
  }
  return out;
}

Result<Value> ReadScalar(pugi::xml_node node, const spec::Shape& shape,
                         std::string_view ts_format) {
  std::string text = NodeText(node);
  switch (shape.type) {
    case spec::ShapeType::kString:
      return Value(std::move(text));
    case spec::ShapeType::kTimestamp: {
      auto t = rest::ParseTimestamp(text, ts_format);
      if (!t) return MalformedXml();
      return *t;
    }
    case spec::ShapeType::kBlob: {
      auto b = Base64Decode(Trim(text));
      if (!b) return MalformedXml();
      return Value(std::move(*b));
    }
    default: {
      Value v = rest::ParseScalarText(shape, Trim(text), ts_format);
      if (v.is_string()) return MalformedXml();  // not a number / boolean
      return v;
    }
  }
}

Result<Value> ReadNode(pugi::xml_node node, const spec::Shape& shape, std::string_view ts_format,
                       int depth) {
  if (depth > kMaxXmlDepth) return MalformedXml();
  switch (shape.type) {
    case spec::ShapeType::kStructure:
      return ReadStructure(node, shape, depth);
    case spec::ShapeType::kList: {
      Value out = Value::MakeList();
      if (!shape.member.shape) return out;
      for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        ORGTRAIL_TRY(Value item,
                     ReadNode(c, *shape.member.shape,
                              rest::TimestampFormat(shape.member, rest::kIso8601), depth + 1));
        out.Append(std::move(item));
      }
      return out;
    }
    case spec::ShapeType::kMap: {
      Value out = Value::MakeMap();
      for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        ORGTRAIL_CHECK(ReadMapEntry(c, shape, out, depth + 1));
      }
      return out;
    }
    default:
      return ReadScalar(node, shape, ts_format);
  }
}

// Parses an XML body into the members of `shape`, whatever the root element is called.
Result<Value> ReadDocument(std::string_view body, const spec::Shape& shape) {
  pugi::xml_document doc;
  pugi::xml_parse_result ok =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                      pugi::encoding_utf8);
  if (!ok) return MalformedXml();
  pugi::xml_node root = doc.document_element();
  if (!root) return MalformedXml();
  if (shape.type != spec::ShapeType::kStructure) return ReadNode(root, shape, rest::kIso8601, 0);
  return ReadStructure(root, shape, 0);
}

bool IsBlankText(std::string_view s) { return Trim(s).empty(); }

// --- writing ---------------------------------------------------------------------------------

std::string ScalarXmlText(const spec::Shape& shape, const Value& v, std::string_view ts_format) {
  if (shape.type == spec::ShapeType::kTimestamp)
    if (auto t = rest::TimestampValue(v)) return rest::FormatTimestamp(*t, ts_format);
  if (shape.type == spec::ShapeType::kBlob) return Base64Encode(v.AsString());
  if (v.is_bool()) return v.AsBool() ? "true" : "false";
  if (v.is_number()) return rest::NumberText(v);
  return v.AsString();
}

void WriteNode(XmlWriter& w, std::string_view name, const spec::Shape& shape, const Value& v,
               const spec::Member* m, std::string_view default_ns);

void WriteMember(XmlWriter& w, const spec::Member& m, const Value& v) {
  const spec::Shape& s = *m.shape;
  if (IsFlattened(m) && s.type == spec::ShapeType::kList && s.member.shape) {
    for (const Value& item : v.AsList())
      WriteNode(w, FlatItemName(m), *s.member.shape, item, &s.member, "");
    return;
  }
  if (IsFlattened(m) && s.type == spec::ShapeType::kMap && s.value.shape) {
    for (const auto& [k, e] : v.AsMap()) {
      w.Start(XmlName(m));
      w.Element(MapPartName(s.key, "key"), k);
      WriteNode(w, MapPartName(s.value, "value"), *s.value.shape, e, &s.value, "");
      w.End(XmlName(m));
    }
    return;
  }
  WriteNode(w, XmlName(m), s, v, &m, "");
}

void WriteNamespace(XmlWriter& w, const spec::Shape& shape, const spec::Member* m,
                    std::string_view default_ns) {
  if (m && !m->xml_namespace_uri.empty()) {
    if (m->xml_namespace_prefix.empty())
      w.Attribute("xmlns", m->xml_namespace_uri);
    else
      w.Attribute("xmlns:" + m->xml_namespace_prefix, m->xml_namespace_uri);
    return;
  }
  if (!shape.xml_namespace_uri.empty()) {
    // The model keeps only the URI at shape level; the prefix is the one its attributes use
    // (Grantee: xsi:type).
    std::string prefix;
    for (const spec::Member& a : shape.members) {
      size_t colon = a.WireName().find(':');
      if (a.xml_attribute && colon != std::string::npos) prefix = a.WireName().substr(0, colon);
    }
    w.Attribute(prefix.empty() ? "xmlns" : "xmlns:" + prefix, shape.xml_namespace_uri);
    return;
  }
  if (!default_ns.empty()) w.Attribute("xmlns", default_ns);
}

void WriteNode(XmlWriter& w, std::string_view name, const spec::Shape& shape, const Value& v,
               const spec::Member* m, std::string_view default_ns) {
  w.Start(name);
  WriteNamespace(w, shape, m, default_ns);
  switch (shape.type) {
    case spec::ShapeType::kStructure:
      for (const spec::Member& a : shape.members) {
        const Value* av = a.xml_attribute && a.shape ? v.Find(a.name) : nullptr;
        if (av && !av->is_null()) w.Attribute(a.WireName(), ScalarXmlText(*a.shape, *av, ""));
      }
      for (const spec::Member& c : shape.members) {
        if (c.xml_attribute || !c.shape || !rest::IsBodyMember(c)) continue;
        const Value* cv = v.Find(c.name);
        if (cv && !cv->is_null()) WriteMember(w, c, *cv);
      }
      break;
    case spec::ShapeType::kList:
      if (!shape.member.shape) break;
      for (const Value& item : v.AsList())
        WriteNode(w, ListItemName(shape), *shape.member.shape, item, &shape.member, "");
      break;
    case spec::ShapeType::kMap:
      if (!shape.value.shape) break;
      for (const auto& [k, e] : v.AsMap()) {
        w.Start("entry");
        w.Element(MapPartName(shape.key, "key"), k);
        WriteNode(w, MapPartName(shape.value, "value"), *shape.value.shape, e, &shape.value, "");
        w.End("entry");
      }
      break;
    default:
      w.Text(ScalarXmlText(shape, v,
                           m ? rest::TimestampFormat(*m, rest::kIso8601)
                             : rest::TimestampFormat(shape, rest::kIso8601)));
  }
  w.End(name);
}

// Root element of an output without a payload member: the shape's locationName, else the name
// S3 gives the document, else "<Op>Result".
std::string RootName(const spec::Operation& op, const spec::Shape& shape) {
  if (!shape.location_name.empty()) return shape.location_name;
  struct Root {
    std::string_view operation, root;
  };
  static constexpr Root kRoots[] = {
      {"CompleteMultipartUpload", "CompleteMultipartUploadResult"},
      {"CreateMultipartUpload", "InitiateMultipartUploadResult"},
      {"CreateSession", "CreateSessionResult"},
      {"DeleteObjects", "DeleteResult"},
      {"GetBucketAccelerateConfiguration", "AccelerateConfiguration"},
      {"GetBucketAcl", "AccessControlPolicy"},
      {"GetObjectAcl", "AccessControlPolicy"},
      {"GetBucketCors", "CORSConfiguration"},
      {"GetBucketLifecycle", "LifecycleConfiguration"},
      {"GetBucketLifecycleConfiguration", "LifecycleConfiguration"},
      {"GetBucketLocation", "LocationConstraint"},
      {"GetBucketLogging", "BucketLoggingStatus"},
      {"GetBucketNotification", "NotificationConfiguration"},
      {"GetBucketNotificationConfiguration", "NotificationConfiguration"},
      {"GetBucketRequestPayment", "RequestPaymentConfiguration"},
      {"GetBucketTagging", "Tagging"},
      {"GetObjectTagging", "Tagging"},
      {"GetBucketVersioning", "VersioningConfiguration"},
      {"GetBucketWebsite", "WebsiteConfiguration"},
      {"GetObjectAttributes", "GetObjectAttributesResponse"},
      {"ListBucketAnalyticsConfigurations", "ListBucketAnalyticsConfigurationResult"},
      {"ListBucketInventoryConfigurations", "ListInventoryConfigurationsResult"},
      {"ListBucketMetricsConfigurations", "ListMetricsConfigurationsResult"},
      {"ListBuckets", "ListAllMyBucketsResult"},
      {"ListDirectoryBuckets", "ListAllMyDirectoryBucketsResult"},
      {"ListMultipartUploads", "ListMultipartUploadsResult"},
      {"ListObjectVersions", "ListVersionsResult"},
      {"ListObjects", "ListBucketResult"},
      {"ListObjectsV2", "ListBucketResult"},
      {"ListParts", "ListPartsResult"},
  };
  for (const Root& r : kRoots)
    if (r.operation == op.name) return std::string(r.root);
  return op.name + "Result";
}

// The document for an output without a payload member. When the root is named after the only
// body member and that member is a scalar, the value is the root's text (GetBucketLocation:
// <LocationConstraint xmlns="...">eu-west-1</LocationConstraint>).
std::string OutputDocument(const spec::Service& service, const spec::Operation& op,
                           const spec::Shape& shape, const Value& out) {
  const std::string root = RootName(op, shape);
  const std::string ns = DocumentNamespace(service);
  XmlWriter w;
  w.Declaration();
  const spec::Member* only = nullptr;
  int body_members = 0;
  for (const spec::Member& m : shape.members) {
    if (!rest::IsBodyMember(m)) continue;
    ++body_members;
    only = &m;
  }
  if (body_members == 1 && only->shape && XmlName(*only) == root &&
      only->shape->type != spec::ShapeType::kStructure &&
      only->shape->type != spec::ShapeType::kList && only->shape->type != spec::ShapeType::kMap) {
    w.Start(root);
    w.Attribute("xmlns", ns);
    if (const Value* v = out.Find(only->name); v && !v->is_null())
      w.Text(ScalarXmlText(*only->shape, *v, rest::TimestampFormat(*only, rest::kIso8601)));
    w.End(root);
    return w.Take();
  }
  WriteNode(w, root, shape, out, nullptr, ns);
  return w.Take();
}

void SetRequestIds(http::Response& resp, const ResponseContext& ctx) {
  if (!ctx.request_id.empty()) resp.SetHeader("x-amz-request-id", ctx.request_id);
  if (!ctx.host_id.empty()) resp.SetHeader("x-amz-id-2", ctx.host_id);
}

// Generic protocol-level codes (spec/wire.md §6.6) under their S3 names.
struct S3Code {
  std::string_view generic, code;
  int status;
  std::string_view message;
};
constexpr S3Code kS3Codes[] = {
    {"InternalFailure", "InternalError", 500,
     "We encountered an internal error. Please try again."},
    {"UnknownOperationException", "MethodNotAllowed", 405,
     "The specified method is not allowed against this resource."},
    {"InvalidAction", "MethodNotAllowed", 405,
     "The specified method is not allowed against this resource."},
    {"SerializationException", "MalformedXML", 400,
     "The XML you provided was not well-formed or did not validate against our published schema"},
    {"ThrottlingException", "SlowDown", 503, "Please reduce your request rate."},
    {"Throttling", "SlowDown", 503, "Please reduce your request rate."},
    {"NotImplemented", "NotImplemented", 501,
     "A header you provided implies functionality that is not implemented"},
};

// A spooled raw payload reaches the handler as a file reference (core/body_file.h) with the
// digests the payload check computed: "md5" in hex, the S3 checksums base64 as S3 shows them.
Value SpooledBodyValue(const http::SpooledBody& body) {
  Value v = BodyFileValue(body.path, 0, body.size);
  Value digests = Value::MakeMap();
  for (const auto& [name, raw] : body.digests)
    digests.Set(name, name == "md5" ? HexEncode(raw) : Base64Encode(raw));
  v.Set(kBodyFileDigestsKey, std::move(digests));
  return v;
}

// An XML document body large enough to have been spooled: far beyond any S3 document's size.
AwsError TooBigForDocument() {
  return AwsError("MaxMessageLengthExceeded", "Your request was too big.", 400);
}

}  // namespace

Result<Value> ParseRestXmlInput(const http::Request& req, const Route& route) {
  if (!route.service || !route.operation)
    return AwsError("MethodNotAllowed",
                    "The specified method is not allowed against this resource.", 405);
  Value out = Value::MakeMap();
  const spec::Shape* input = route.operation->input;
  if (!input) return out;
  rest::BindNonBodyInput(req, route, *input, out);
  if (const spec::Member* payload = rest::PayloadMember(*input)) {
    if (rest::IsRawPayload(*payload)) {
      if (req.spooled) {
        out.Set(payload->name, SpooledBodyValue(*req.spooled));
      } else if (!req.body.empty() || payload->shape->type == spec::ShapeType::kBlob) {
        out.Set(payload->name, Value(req.body));
      }
    } else if (req.spooled) {
      return TooBigForDocument();
    } else if (!IsBlankText(req.body) && payload->shape) {
      ORGTRAIL_TRY(Value v, ReadDocument(req.body, *payload->shape));
      out.Set(payload->name, std::move(v));
    }
  } else if (req.spooled) {
    return TooBigForDocument();
  } else if (rest::HasBodyMembers(*input) && !IsBlankText(req.body)) {
    ORGTRAIL_TRY(Value v, ReadDocument(req.body, *input));
    for (auto& [k, e] : v.MutableMap()) out.Set(k, std::move(e));
  }
  ORGTRAIL_CHECK(Validate(*route.service, *input, out));
  return out;
}

http::Response SerializeRestXmlOutput(const Route& route, const Value& out,
                                      const ResponseContext& ctx) {
  http::Response resp;
  SetRequestIds(resp, ctx);
  const spec::Operation* op = route.operation;
  if (!route.service || !op) return resp;
  resp.status = rest::SuccessStatus(*route.service, *op);
  long long content_length = -1;
  if (const spec::Shape* shape = op->output) {
    rest::WriteNonBodyOutput(*shape, out, resp, &content_length);
    if (const spec::Member* payload = rest::PayloadMember(*shape)) {
      const Value* v = out.Find(payload->name);
      if (rest::IsRawPayload(*payload)) {
        if (auto file = v ? AsBodyFile(*v) : std::nullopt) {
          // Streamed from the file by the server; HEAD answers announce the length only.
          if (!ctx.head) {
            resp.body_file = http::BodyFile::Open(file->path, file->offset, file->length);
            for (const BodyFilePiece& m : file->more)
              if (resp.body_file && !resp.body_file->Append(m.path, m.offset, m.length))
                resp.body_file = nullptr;
          }
          if (!ctx.head && !resp.body_file)  // the object went away since the handler ran
            return SerializeRestXmlError(
                route,
                AwsError("InternalError", "We encountered an internal error. Please try again.",
                         500),
                ctx);
        } else if (v && !v->is_null()) {
          resp.body = v->is_number() ? rest::NumberText(*v) : v->AsString();
        }
        if (payload->shape->type == spec::ShapeType::kBlob && !resp.FindHeader("Content-Type"))
          resp.SetHeader("Content-Type", "binary/octet-stream");
      } else if (v && !v->is_null() && payload->shape) {
        XmlWriter w;
        w.Declaration();
        WriteNode(w, XmlName(*payload), *payload->shape, *v, payload,
                  DocumentNamespace(*route.service));
        resp.body = w.Take();
        resp.SetHeader("Content-Type", std::string(kContentTypeXml));
      }
    } else if (rest::HasBodyMembers(*shape)) {
      resp.body = OutputDocument(*route.service, *op, *shape, out);
      resp.SetHeader("Content-Type", std::string(kContentTypeXml));
    }
  }
  // A ranged GetObject answers 206 (RFC 9110 §15.3.7); the model has no statusCode member.
  if (resp.status == 200 && resp.FindHeader("Content-Range")) resp.status = 206;
  if (ctx.head) rest::EndHeadResponse(resp, content_length);
  return resp;
}

http::Response SerializeRestXmlError(const Route& route, const AwsError& err,
                                     const ResponseContext& ctx) {
  ErrorFacts facts = ResolveError(route.service, err);
  std::string code = facts.query_code.empty() ? err.code : facts.query_code;
  int status = facts.status;
  std::string message = facts.message;
  if (const S3Code* c = rest::FindGenericCode(kS3Codes, code)) {
    code = std::string(c->code);
    if (err.status == 0) status = c->status;
    if (message.empty()) message = std::string(c->message);
  }
  if (status == 0) status = facts.sender_fault ? 400 : 500;

  http::Response resp;
  resp.status = status;
  SetRequestIds(resp, ctx);
  // HEAD: status and headers only (spec/wire.md §6.4); 304 never has a body (RFC 9110 §15.4.5).
  if (ctx.head || status == 304) return resp;
  XmlWriter w;
  w.Declaration();
  w.Start("Error");
  w.Element("Code", code);
  w.Element("Message", message);
  for (const auto& [name, value] : err.fields) w.Element(name, value);
  w.Element("RequestId", ctx.request_id);
  w.Element("HostId", ctx.host_id);
  w.End("Error");
  resp.body = w.Take();
  resp.SetHeader("Content-Type", std::string(kContentTypeXml));
  return resp;
}

}  // namespace orgtrail::protocol::internal
