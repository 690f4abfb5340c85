#include "spec/model.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <atomic>

namespace orgtrail::spec {
namespace {

using JsonValue = rapidjson::Value;

std::string Str(const JsonValue& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool Bool(const JsonValue& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

std::optional<double> Num(const JsonValue& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsNumber()) return std::nullopt;
  return it->value.GetDouble();
}

ShapeType TypeOf(const std::string& t) {
  if (t == "structure") return ShapeType::kStructure;
  if (t == "list") return ShapeType::kList;
  if (t == "map") return ShapeType::kMap;
  if (t == "string") return ShapeType::kString;
  if (t == "integer") return ShapeType::kInteger;
  if (t == "long") return ShapeType::kLong;
  if (t == "float") return ShapeType::kFloat;
  if (t == "double") return ShapeType::kDouble;
  if (t == "boolean") return ShapeType::kBoolean;
  if (t == "timestamp") return ShapeType::kTimestamp;
  if (t == "blob") return ShapeType::kBlob;
  return ShapeType::kUnknown;
}

Location LocationOf(const std::string& l) {
  if (l == "uri") return Location::kUri;
  if (l == "querystring") return Location::kQueryString;
  if (l == "header") return Location::kHeader;
  if (l == "headers") return Location::kHeaders;
  if (l == "statusCode") return Location::kStatusCode;
  return Location::kBody;
}

Result<Member> ReadMember(const Service& svc, std::string name, const JsonValue& m) {
  Member out;
  out.name = std::move(name);
  std::string shape_name = Str(m, "shape");
  out.shape = svc.FindShape(shape_name);
  if (!out.shape) return AwsError("InvalidModel", svc.id + ": unknown shape '" + shape_name + "'");
  out.location = LocationOf(Str(m, "location"));
  out.location_name = Str(m, "locationName");
  out.query_name = Str(m, "queryName");
  out.flattened = Bool(m, "flattened");
  out.xml_attribute = Bool(m, "xmlAttribute");
  out.timestamp_format = Str(m, "timestampFormat");
  out.idempotency_token = Bool(m, "idempotencyToken");
  out.host_label = Bool(m, "hostLabel");
  auto ns = m.FindMember("xmlNamespace");
  if (ns != m.MemberEnd() && ns->value.IsObject()) {
    out.xml_namespace_uri = Str(ns->value, "uri");
    out.xml_namespace_prefix = Str(ns->value, "prefix");
  }
  return out;
}

std::vector<Protocol> ServedProtocols(const JsonValue& meta) {
  std::vector<Protocol> out;
  auto add = [&](const std::string& p) {
    if (p == "json")
      out.push_back(Protocol::kJson);
    else if (p == "query")
      out.push_back(Protocol::kQuery);
    else if (p == "rest-xml")
      out.push_back(Protocol::kRestXml);
    else if (p == "rest-json")
      out.push_back(Protocol::kRestJson);
  };
  auto it = meta.FindMember("protocols");
  if (it != meta.MemberEnd() && it->value.IsArray()) {
    for (const auto& p : it->value.GetArray())
      if (p.IsString()) add(p.GetString());
  }
  if (out.empty()) add(Str(meta, "protocol"));
  return out;
}

}  // namespace

std::string_view ProtocolName(Protocol p) {
  switch (p) {
    case Protocol::kJson:
      return "json";
    case Protocol::kQuery:
      return "query";
    case Protocol::kRestXml:
      return "rest-xml";
    case Protocol::kRestJson:
      return "rest-json";
  }
  return "?";
}

const Member* Shape::FindMember(std::string_view member_name) const {
  for (const Member& m : members)
    if (m.name == member_name) return &m;
  return nullptr;
}

bool Shape::IsRequired(std::string_view member_name) const {
  for (const std::string& r : required)
    if (r == member_name) return true;
  return false;
}

const Operation* Service::FindOperation(std::string_view op) const {
  auto it = operations.find(op);
  return it == operations.end() ? nullptr : &it->second;
}

const Shape* Service::FindShape(std::string_view shape) const {
  auto it = shapes.find(shape);
  return it == shapes.end() ? nullptr : it->second.get();
}

bool Service::Speaks(Protocol p) const {
  for (Protocol q : protocols)
    if (q == p) return true;
  return false;
}

Result<std::unique_ptr<Service>> LoadService(std::string id, std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject())
    return AwsError("InvalidModel", id + ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  auto svc = std::make_unique<Service>();
  static std::atomic<uint64_t> instances{0};
  svc->instance = ++instances;
  svc->id = std::move(id);
  svc->name = svc->id.substr(0, svc->id.find('-'));
  auto meta_it = doc.FindMember("metadata");
  if (meta_it == doc.MemberEnd() || !meta_it->value.IsObject())
    return AwsError("InvalidModel", svc->id + ": no metadata");
  const JsonValue& meta = meta_it->value;
  svc->protocols = ServedProtocols(meta);
  if (svc->protocols.empty()) return AwsError("InvalidModel", svc->id + ": no served protocol");
  svc->protocol = svc->protocols.front();
  svc->api_version = Str(meta, "apiVersion");
  svc->endpoint_prefix = Str(meta, "endpointPrefix");
  svc->signing_name = Str(meta, "signingName");
  if (svc->signing_name.empty()) svc->signing_name = svc->endpoint_prefix;
  svc->target_prefix = Str(meta, "targetPrefix");
  svc->json_version = Str(meta, "jsonVersion");
  svc->xml_namespace = Str(meta, "xmlNamespace");
  svc->service_id = Str(meta, "serviceId");
  svc->query_compatible = meta.HasMember("awsQueryCompatible");

  auto shapes_it = doc.FindMember("shapes");
  if (shapes_it == doc.MemberEnd() || !shapes_it->value.IsObject())
    return AwsError("InvalidModel", svc->id + ": no shapes");
  // Pass 1: create every shape so members can point at any of them.
  for (const auto& s : shapes_it->value.GetObject()) {
    auto shape = std::make_unique<Shape>();
    shape->name.assign(s.name.GetString(), s.name.GetStringLength());
    svc->shapes.emplace(shape->name, std::move(shape));
  }
  // Pass 2: fill them in.
  for (const auto& s : shapes_it->value.GetObject()) {
    Shape& shape = *svc->shapes.find(std::string_view(s.name.GetString()))->second;
    const JsonValue& j = s.value;
    if (!j.IsObject()) return AwsError("InvalidModel", svc->id + ": bad shape " + shape.name);
    shape.type = TypeOf(Str(j, "type"));
    shape.flattened = Bool(j, "flattened");
    shape.min = Num(j, "min");
    shape.max = Num(j, "max");
    shape.pattern = Str(j, "pattern");
    shape.timestamp_format = Str(j, "timestampFormat");
    shape.payload = Str(j, "payload");
    shape.location_name = Str(j, "locationName");
    shape.streaming = Bool(j, "streaming");
    shape.event_stream = Bool(j, "eventstream");
    shape.sensitive = Bool(j, "sensitive");
    shape.exception = Bool(j, "exception");
    shape.is_union = Bool(j, "union");
    shape.default_message = Str(j, "documentation");
    auto ns = j.FindMember("xmlNamespace");
    if (ns != j.MemberEnd() && ns->value.IsObject())
      shape.xml_namespace_uri = Str(ns->value, "uri");
    auto en = j.FindMember("enum");
    if (en != j.MemberEnd() && en->value.IsArray())
      for (const auto& e : en->value.GetArray())
        if (e.IsString()) shape.enum_values.emplace_back(e.GetString(), e.GetStringLength());
    auto req = j.FindMember("required");
    if (req != j.MemberEnd() && req->value.IsArray())
      for (const auto& r : req->value.GetArray())
        if (r.IsString()) shape.required.emplace_back(r.GetString(), r.GetStringLength());
    auto err = j.FindMember("error");
    if (err != j.MemberEnd() && err->value.IsObject()) {
      ErrorInfo info;
      info.code = Str(err->value, "code");
      info.http_status = static_cast<int>(Num(err->value, "httpStatusCode").value_or(0));
      auto sf = err->value.FindMember("senderFault");
      info.sender_fault =
          sf == err->value.MemberEnd() || !sf->value.IsBool() || sf->value.GetBool();
      shape.error = info;
    }
    auto members = j.FindMember("members");
    if (members != j.MemberEnd() && members->value.IsObject()) {
      for (const auto& m : members->value.GetObject()) {
        ORGTRAIL_TRY(Member mem, ReadMember(*svc, m.name.GetString(), m.value));
        mem.required = shape.IsRequired(mem.name);
        shape.members.push_back(std::move(mem));
      }
    }
    auto read_sub = [&](const char* key, Member* out) -> Status {
      auto it = j.FindMember(key);
      if (it == j.MemberEnd() || !it->value.IsObject()) return Ok();
      ORGTRAIL_TRY(*out, ReadMember(*svc, key, it->value));
      return Ok();
    };
    ORGTRAIL_CHECK(read_sub("member", &shape.member));
    ORGTRAIL_CHECK(read_sub("key", &shape.key));
    ORGTRAIL_CHECK(read_sub("value", &shape.value));
  }

  auto ops_it = doc.FindMember("operations");
  if (ops_it == doc.MemberEnd() || !ops_it->value.IsObject())
    return AwsError("InvalidModel", svc->id + ": no operations");
  for (const auto& o : ops_it->value.GetObject()) {
    Operation op;
    op.name.assign(o.name.GetString(), o.name.GetStringLength());
    const JsonValue& j = o.value;
    auto http = j.FindMember("http");
    if (http != j.MemberEnd() && http->value.IsObject()) {
      std::string method = Str(http->value, "method");
      if (!method.empty()) op.http_method = method;
      std::string uri = Str(http->value, "requestUri");
      if (!uri.empty()) op.request_uri = uri;
      op.response_code = static_cast<int>(Num(http->value, "responseCode").value_or(200));
    }
    auto shape_ref = [&](const char* key, std::string* wrapper) -> const Shape* {
      auto it = j.FindMember(key);
      if (it == j.MemberEnd() || !it->value.IsObject()) return nullptr;
      if (wrapper) *wrapper = Str(it->value, "resultWrapper");
      return svc->FindShape(Str(it->value, "shape"));
    };
    op.input = shape_ref("input", nullptr);
    op.output = shape_ref("output", &op.output_result_wrapper);
    op.http_checksum_required = Bool(j, "httpChecksumRequired");
    auto errs = j.FindMember("errors");
    if (errs != j.MemberEnd() && errs->value.IsArray())
      for (const auto& e : errs->value.GetArray())
        if (e.IsObject())
          if (const Shape* es = svc->FindShape(Str(e, "shape"))) op.errors.push_back(es);
    svc->operations.emplace(op.name, std::move(op));
  }
  return svc;
}

}  // namespace orgtrail::spec
