#include "tests/support/openapi_check.hpp"

#include <cmath>

namespace hems::test {

namespace dom = simdjson::dom;

openapi_checker::openapi_checker(const std::string& document) {
  doc_ = doc_parser_.parse(document).value();
}

dom::element openapi_checker::resolve(dom::element schema) {
  std::string_view ref;
  while (schema.type() == dom::element_type::OBJECT && !schema["$ref"].get(ref)) {
    // "#/components/schemas/X" -> JSON pointer "/components/schemas/X"
    schema = doc_.at_pointer(ref.substr(1)).value();
  }
  return schema;
}

bool openapi_checker::documents(const std::string& path, const std::string& method) {
  dom::element op;
  return !doc_["paths"][path][method].get(op);
}

std::string openapi_checker::check_response(const std::string& path, const std::string& method,
                                            int status, const std::string& body) {
  dom::element response;
  if (doc_["paths"][path][method]["responses"][std::to_string(status)].get(response))
    return "status " + std::to_string(status) + " of " + method + " " + path + " is not documented";
  response = resolve(response);
  dom::element schema;
  if (response["content"]["application/json"]["schema"].get(schema))
    return ""; // not JSON: nothing to check
  dom::element value;
  if (body_parser_.parse(body).get(value))
    return "body is not JSON";
  return check(schema, value, "$");
}

std::string openapi_checker::check(dom::element schema, dom::element value,
                                   const std::string& where) {
  schema = resolve(schema);
  dom::array alternatives;
  if (!schema["oneOf"].get(alternatives)) {
    int matches = 0;
    std::string last;
    for (auto alt : alternatives) {
      auto problem = check(alt, value, where);
      if (problem.empty())
        ++matches;
      else
        last = problem;
    }
    return matches == 1 ? "" : where + ": matches " + std::to_string(matches) + " of oneOf (" + last + ")";
  }
  bool nullable = false;
  if (schema["nullable"].get(nullable))
    nullable = false;
  if (value.is_null())
    return nullable ? "" : where + ": null where the schema allows none";
  std::string_view type;
  if (!schema["type"].get(type)) {
    auto t = value.type();
    bool ok = (type == "object" && t == dom::element_type::OBJECT) ||
              (type == "array" && t == dom::element_type::ARRAY) ||
              (type == "string" && t == dom::element_type::STRING) ||
              (type == "boolean" && t == dom::element_type::BOOL) ||
              (type == "number" && (t == dom::element_type::DOUBLE ||
                                    t == dom::element_type::INT64 ||
                                    t == dom::element_type::UINT64)) ||
              (type == "integer" &&
               (t == dom::element_type::INT64 || t == dom::element_type::UINT64 ||
                (t == dom::element_type::DOUBLE &&
                 std::floor(value.get_double().value()) == value.get_double().value())));
    if (!ok)
      return where + ": expected " + std::string{type};
  }
  dom::array allowed;
  if (!schema["enum"].get(allowed)) {
    bool found = false;
    for (auto a : allowed)
      if (a.type() == value.type() && a.type() == dom::element_type::STRING &&
          a.get_string().value() == value.get_string().value())
        found = true;
    if (!found)
      return where + ": value not in enum";
  }
  if (value.type() == dom::element_type::OBJECT) {
    dom::array required;
    if (!schema["required"].get(required))
      for (auto r : required) {
        dom::element present;
        if (value[r.get_string().value()].get(present))
          return where + ": missing required property " + std::string{r.get_string().value()};
      }
    dom::object properties;
    if (!schema["properties"].get(properties))
      for (auto [key, sub] : properties) {
        dom::element v;
        if (!value[key].get(v)) {
          auto problem = check(sub, v, where + "." + std::string{key});
          if (!problem.empty())
            return problem;
        }
      }
  }
  if (value.type() == dom::element_type::ARRAY) {
    dom::element items;
    if (!schema["items"].get(items)) {
      std::size_t i = 0;
      dom::array elements = value.get_array().value();
      for (auto v : elements) {
        auto problem = check(items, v, where + "[" + std::to_string(i++) + "]");
        if (!problem.empty())
          return problem;
      }
    }
  }
  return "";
}

} // namespace hems::test
