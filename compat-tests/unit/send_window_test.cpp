// SendWindow: what a peer has not acknowledged reading, in bytes, from the
// sequence numbers it acknowledges; never below the truth, at most one mark
// above it, and exact once the last frame sent is acknowledged.
#include <gtest/gtest.h>

#include "session/send_window.h"

namespace cm {
namespace {

constexpr uint64_t kMiB = 1 << 20;

TEST(SendWindow, LargeFramesAreCountedUntilAcknowledged) {
  SendWindow w;
  for (uint64_t seq = 1; seq <= 5; ++seq) w.Sent(seq, 2 * kMiB);
  EXPECT_EQ(w.unread(), 10 * kMiB);
  w.Acknowledged(2);
  EXPECT_EQ(w.unread(), 6 * kMiB);
  w.Acknowledged(1);  // late, superseded: changes nothing
  EXPECT_EQ(w.unread(), 6 * kMiB);
  w.Acknowledged(5);
  EXPECT_EQ(w.unread(), 0u);
}

TEST(SendWindow, SmallFramesAreCountedToWithinOneMark) {
  SendWindow w;
  uint64_t seq = 0;
  for (int i = 0; i < 10000; ++i) w.Sent(++seq, 1000);  // 10 MB
  uint64_t half = seq / 2;
  w.Acknowledged(half);
  uint64_t truth = (seq - half) * 1000;
  EXPECT_GE(w.unread(), truth);
  EXPECT_LE(w.unread(), truth + SendWindow::kMarkBytes);
  w.Acknowledged(seq);
  EXPECT_EQ(w.unread(), 0u);
}

TEST(SendWindow, RoomIsLeftUnderTheLimitAndAlwaysWhenNothingIsUnread) {
  SendWindow w;
  EXPECT_TRUE(w.HasRoom(100 * kMiB, 8 * kMiB)) << "one message larger than the limit can still go";
  w.Sent(1, 6 * kMiB);
  EXPECT_TRUE(w.HasRoom(2 * kMiB, 8 * kMiB));
  EXPECT_FALSE(w.HasRoom(2 * kMiB + 1, 8 * kMiB));
  EXPECT_FALSE(w.HasRoom(100 * kMiB, 8 * kMiB));
  w.Sent(2, 100);  // under a mark: exact again only with the last frame acknowledged
  w.Acknowledged(1);
  EXPECT_FALSE(w.HasRoom(100 * kMiB, 8 * kMiB));
  w.Acknowledged(2);
  EXPECT_TRUE(w.HasRoom(100 * kMiB, 8 * kMiB));
}

TEST(SendWindow, ForgetDropsWhatWillNeverBeAcknowledged) {
  SendWindow w;
  w.Sent(1, 50 * kMiB);
  w.Forget();  // the link went down, or the peer was replaced
  EXPECT_EQ(w.unread(), 0u);
  w.Sent(1, 3 * kMiB);  // a new incarnation numbers from 1 again
  EXPECT_EQ(w.unread(), 3 * kMiB);
  w.Acknowledged(1);
  EXPECT_EQ(w.unread(), 0u);
}

}  // namespace
}  // namespace cm
