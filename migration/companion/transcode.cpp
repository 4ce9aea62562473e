#include "companion/transcode.h"

#include <climits>
#include <string>

namespace cm {

Status FromLegacy(const LegacyApi& api, CmMessage legacy, Message* out) {
  out->Reset();
  out->SetType(api.GetType(legacy));
  for (;;) {
    CmMessageItemType kind = api.GetItemType(legacy);
    switch (kind) {
      case CmMessageItemTail: return Status::Ok();
      case CmMessageItemChar: out->PutChar(api.GetChar(legacy)); break;
      case CmMessageItemShort: out->PutShort(api.GetShort(legacy)); break;
      case CmMessageItemInt: out->PutInt(api.GetInt(legacy)); break;
      case CmMessageItemLong: out->PutLong(api.GetLong(legacy)); break;
      case CmMessageItemFloat: out->PutFloat(api.GetFloat(legacy)); break;
      case CmMessageItemDouble: out->PutDouble(api.GetDouble(legacy)); break;
      case CmMessageItemText: out->PutText(api.GetText(legacy)); break;  // NULL stays NULL
      case CmMessageItemBytes: {
        int size = 0;
        char* bytes = api.GetBytes(legacy, &size);
        out->PutBytes(bytes != nullptr ? bytes : "", size > 0 ? static_cast<size_t>(size) : 0);
        break;
      }
      case CmMessageItemArray: {
        CmMessageArrayType type = CmMessageChar;
        int count = 0;
        void* data = api.GetArray(legacy, &type, &count);
        if (static_cast<int>(type) < 0 || static_cast<int>(type) >= kArrayKinds)
          return Status::Malformed("the legacy library reported an array of unknown element type " +
                                   std::to_string(static_cast<int>(type)));
        if (count > 0 && data == nullptr) return Status::Malformed("the legacy library gave an array without data");
        out->PutArray(static_cast<ArrayKind>(type), data, count > 0 ? static_cast<size_t>(count) : 0, false);
        break;
      }
      default:
        return Status::Malformed("the legacy library reported an unknown item type " + std::to_string(static_cast<int>(kind)));
    }
  }
}

Status ToLegacy(const LegacyApi& api, Message& in, CmMessage legacy) {
  api.Reset(legacy);
  api.SetType(legacy, const_cast<char*>(in.type()));
  in.Rewind();
  for (;;) {
    ItemKind kind = in.PeekKind();
    switch (kind) {
      case ItemKind::kTail: return Status::Ok();
      case ItemKind::kChar: api.PutChar(legacy, in.GetChar()); break;
      case ItemKind::kShort: api.PutShort(legacy, in.GetShort()); break;
      case ItemKind::kInt: api.PutInt(legacy, in.GetInt()); break;
      case ItemKind::kLong: api.PutLong(legacy, in.GetLong()); break;
      case ItemKind::kFloat: api.PutFloat(legacy, in.GetFloat()); break;
      case ItemKind::kDouble: api.PutDouble(legacy, in.GetDouble()); break;
      case ItemKind::kText: api.PutText(legacy, const_cast<char*>(in.GetText())); break;
      case ItemKind::kBytes: {
        size_t size = 0;
        const char* bytes = in.GetBytes(&size);
        if (size > INT_MAX) return Status::Invalid("a bytes item of " + std::to_string(size) + " bytes is too large for the legacy API");
        api.PutBytes(legacy, const_cast<char*>(bytes), static_cast<int>(size));
        break;
      }
      case ItemKind::kArray: {
        ArrayKind array_kind = ArrayKind::kChar;
        size_t count = 0;
        const void* data = in.GetArray(&array_kind, &count);
        if (count > INT_MAX) return Status::Invalid("an array of " + std::to_string(count) + " elements is too large for the legacy API");
        api.PutArray(legacy, static_cast<CmMessageArrayType>(array_kind), static_cast<int>(count), const_cast<void*>(data));
        break;
      }
    }
  }
}

}  // namespace cm
