#include "session/send_window.h"

namespace cm {

void SendWindow::Acknowledged(uint64_t seq) {
  while (!marks_.empty() && marks_.front().seq <= seq) {
    read_ = marks_.front().sent;
    marks_.pop_front();
  }
  if (seq >= last_seq_) read_ = sent_;
}

void SendWindow::Forget() {
  marks_.clear();
  read_ = last_mark_ = sent_;
}

}  // namespace cm
