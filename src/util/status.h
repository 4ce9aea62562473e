// Status: the result of an operation that can fail, with a message a person
// can read.  Cheap when OK (no allocation).  Modelled on leveldb::Status.
#ifndef CM_UTIL_STATUS_H
#define CM_UTIL_STATUS_H

#include <memory>
#include <string>
#include <utility>

namespace cm {

class Status {
 public:
  enum class Code { kOk, kNotFound, kInvalid, kTimeout, kUnavailable, kRefused, kMalformed,
                    kUnsupported };  // well formed, but of a protocol version this build does not read

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status Invalid(std::string m) { return Status(Code::kInvalid, std::move(m)); }
  static Status Timeout(std::string m) { return Status(Code::kTimeout, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
  static Status Refused(std::string m) { return Status(Code::kRefused, std::move(m)); }
  static Status Malformed(std::string m) { return Status(Code::kMalformed, std::move(m)); }
  static Status Unsupported(std::string m) { return Status(Code::kUnsupported, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsTimeout() const { return code_ == Code::kTimeout; }
  bool IsUnsupported() const { return code_ == Code::kUnsupported; }
  const std::string& message() const { return msg_ ? *msg_ : Empty(); }
  std::string ToString() const { return ok() ? "OK" : message(); }

 private:
  Status(Code c, std::string m) : code_(c), msg_(std::make_shared<std::string>(std::move(m))) {}
  static const std::string& Empty() { static const std::string e; return e; }
  Code code_ = Code::kOk;
  std::shared_ptr<const std::string> msg_;
};

}  // namespace cm

#endif
