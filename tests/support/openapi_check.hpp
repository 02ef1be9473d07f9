#pragma once
// Checks a JSON value against a schema of an OpenAPI 3.0 document: types,
// required properties, enums, nullable, arrays, $ref and oneOf. Enough to
// hold every response in the tests to what docs/openapi.json promises.

#include <string>

#include <simdjson.h>

namespace hems::test {

class openapi_checker {
public:
  explicit openapi_checker(const std::string& document);

  /// Empty when `body` matches the schema of `path`/`method`/`status`
  /// (application/json); otherwise what is wrong, with a JSON path.
  std::string check_response(const std::string& path, const std::string& method, int status,
                             const std::string& body);

  /// Whether the document describes `method` on `path`.
  bool documents(const std::string& path, const std::string& method);

private:
  std::string check(simdjson::dom::element schema, simdjson::dom::element value,
                    const std::string& where);
  simdjson::dom::element resolve(simdjson::dom::element schema);

  simdjson::dom::parser doc_parser_;
  simdjson::dom::element doc_;
  simdjson::dom::parser body_parser_;
};

} // namespace hems::test
