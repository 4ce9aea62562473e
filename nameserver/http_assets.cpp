#include "http_assets.h"

namespace cm {
namespace {

bool EndsWith(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

}  // namespace

const HttpAsset* FindHttpAsset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (size_t i = 0; i < kHttpAssetCount; ++i)
    if (path == kHttpAssets[i].path) return &kHttpAssets[i];
  return nullptr;
}

const char* HttpContentType(std::string_view path) {
  if (path == "/" || EndsWith(path, ".html")) return "text/html; charset=utf-8";
  // Not text/javascript: cpp-httplib compresses text/* for a client that
  // accepts it, with brotli's slowest level when it may (1.3 s for app.js).
  if (EndsWith(path, ".js")) return "application/javascript; charset=utf-8";
  if (EndsWith(path, ".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace cm
