// The small message of section 2 (an int, a double and a 32-byte text), as
// every libCm-zmq sender of the benchmark builds it: the driver and
// cm_bench_sender.  Header only: the harness library does not link libCm-zmq.
#ifndef CM_BENCH_HARNESS_SMALL_MESSAGE_H
#define CM_BENCH_HARNESS_SMALL_MESSAGE_H

#include <CmMessage.h>

namespace bench {

// The 32-byte text item.
constexpr char kSmallText[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
static_assert(sizeof kSmallText == 33, "a 32-byte text");

// Message `index` of a run: the sink expects 0, 1, 2... and index * 0.5.
inline void FillSmall(CmMessage m, int index) {
  CmMessageReset(m);
  CmMessageSetType(m, const_cast<char*>("Small"));
  CmMessagePutInt(m, index);
  CmMessagePutDouble(m, index * 0.5);
  CmMessagePutText(m, const_cast<char*>(kSmallText));
}

}  // namespace bench

#endif
