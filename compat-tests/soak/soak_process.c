/* cm_soak_process NAME INDEX COUNT LOG RATE: one process of the soak test
 * (cm_soak starts COUNT of them, named p00, p01, ...).  Public C API only.
 *
 * It registers NAME, then sends a "Soak" message (int pid, long seq) to each
 * of a few others RATE times a second, seq counting 1, 2, 3... per target
 * for as long as this process lives, and handles what it receives.  On
 * SIGTERM it stops sending, keeps receiving for a few seconds (so that what
 * its peers sent last arrives), closes and exits 0.
 *
 * Everything it does goes to LOG, one write(2) per line, so that a SIGKILL
 * loses nothing already written; the library's stderr goes there too (its
 * "may be lost" warnings, "registered as" with our address: CM_LOG=info).
 * Lines start with a CLOCK_MONOTONIC time in ms, which all processes share:
 *   T START NAME PID         T READY
 *   T S TO SEQ               a send that returned 1
 *   T F TO SEQ               a send that returned 0 (SEQ is used again)
 *   T R FROM FROMPID SEQ     a message handled
 *   T STOP                   T END (closed, about to exit 0)
 */
#define _POSIX_C_SOURCE 200809L
#include <CmMessage.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TARGETS 3
#define DRAIN_MS 5000

static volatile sig_atomic_t g_stop = 0;
static int g_log = 2;

static void OnTerm(int sig) {
  (void)sig;
  g_stop = 1;
}

static long long NowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line, one write: appended whole (O_APPEND), never half-written. */
static void Event(const char *format, ...) {
  char line[256];
  int n = snprintf(line, sizeof line, "%lld ", NowMs());
  va_list args;
  va_start(args, format);
  n += vsnprintf(line + n, sizeof line - n - 1, format, args);
  va_end(args);
  line[n++] = '\n';
  if (write(g_log, line, (size_t)n) != n) _exit(3);
}

static CmMessageStatus OnSoak(CmMessage message, char *sender, char *server) {
  int pid = CmMessageGetInt(message);
  long seq = CmMessageGetLong(message);
  (void)server;
  Event("R %s %d %ld", sender, pid, seq);
  return CmMessageOk;
}

/* Waits up to ms, handling messages. */
static void WaitMs(long long ms) {
  if (ms > 0) CmMessageWaitWithTimeout((double)ms / 1000.0);
}

int main(int argc, char **argv) {
  char name[64], targets[MAX_TARGETS][64];
  static const int kOffsets[MAX_TARGETS] = {1, 7, 19};
  long seq[MAX_TARGETS];
  int index, count, rate, burst, ntargets = 0, i, b;
  long long period, next, end;
  struct sigaction term;
  CmMessage message;

  if (argc != 7) {
    fprintf(stderr, "usage: %s NAME INDEX COUNT LOG RATE BURST\n", argv[0]);
    return 2;
  }
  snprintf(name, sizeof name, "%s", argv[1]);
  index = atoi(argv[2]);
  count = atoi(argv[3]);
  rate = atoi(argv[5]);
  burst = atoi(argv[6]);
  g_log = open(argv[4], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (g_log < 0 || count < 2 || rate < 1 || burst < 1) return 2;
  dup2(g_log, 2); /* the library's log lines land between our events */

  memset(&term, 0, sizeof term);
  term.sa_handler = OnTerm;
  sigaction(SIGTERM, &term, NULL);

  for (i = 0; i < MAX_TARGETS; ++i) { /* distinct, not ourselves (a small run may repeat) */
    int t = (index + kOffsets[i]) % count, j, dup = t == index;
    snprintf(targets[ntargets], sizeof targets[0], "p%02d", t);
    for (j = 0; j < ntargets; ++j) dup = dup || strcmp(targets[j], targets[ntargets]) == 0;
    if (!dup) seq[ntargets++] = 1;
  }

  Event("START %s %d", name, (int)getpid());
  /* The name server may be down, or still hold the name of our killed
   * predecessor for a moment: try again. */
  while (!CmMessageOpenServer(name)) {
    struct timespec pause = {0, 200000000L};
    if (g_stop) return 0;
    nanosleep(&pause, NULL);
  }
  Event("READY");
  CmMessageInstallHandler(OnSoak, "Soak");

  message = CmMessageNew();
  period = 1000 / rate;
  next = NowMs();
  while (!g_stop) {
    if (NowMs() >= next) {
      for (i = 0; i < ntargets && !g_stop; ++i) {
        for (b = 0; b < burst && !g_stop; ++b) { /* back to back: coalesced (docs/api.md) */
          CmMessageReset(message);
          CmMessageSetType(message, "Soak");
          CmMessagePutInt(message, (int)getpid());
          CmMessagePutLong(message, seq[i]);
          if (CmMessageSend(message, targets[i])) {
            Event("S %s %ld", targets[i], seq[i]);
            ++seq[i];
          } else {
            Event("F %s %ld", targets[i], seq[i]);
          }
        }
      }
      next += period;
      if (next < NowMs()) next = NowMs() + period; /* no burst after a slow send */
    }
    WaitMs(next - NowMs());
  }
  Event("STOP");
  end = NowMs() + DRAIN_MS;
  while (NowMs() < end) WaitMs(end - NowMs());
  CmMessageDelete(message);
  CmMessageCloseServer();
  Event("END");
  return 0;
}
