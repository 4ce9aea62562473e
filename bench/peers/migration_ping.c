/*
 * cm_bench_migration_ping: round trips to echo processes, for
 * bench/migration.sh (what migration mode costs).  Plain C, the C API only.
 *
 *   cm_bench_migration_ping NAME COUNT PAUSE_MS LABEL=TARGET...
 *
 * Registers NAME, makes 200 warm-up round trips to each TARGET (an echo of
 * migration/tests/legacy_peer.c: "Ping" (int, long) answered by "Pong"),
 * then COUNT measured round trips to each, in blocks of 100 that take the
 * targets in turn (each going first in turn) and alternate the two shapes:
 * back to back, and after a pause of PAUSE_MS (a sleep that runs no Cm
 * handler).  Prints one line per round trip, "LABEL back|pause MICROSECONDS";
 * exit 1 if a Ping was refused or its Pong did not come within 5 s.
 */
#define _POSIX_C_SOURCE 199309L
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CmMessage.h>

#define BLOCK 100
#define WARM_UP 200
#define MAX_TARGETS 8

static int got_pong = 0;

static CmMessageStatus on_pong(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  got_pong = 1;
  return CmMessageBreak;
}

static double now_us(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* One round trip to TARGET; its time in µs, or -1. */
static double round_trip(CmMessage ping, char *target, int i)
{
  double t0 = now_us(), deadline = t0 + 5e6;
  CmMessageReset(ping);
  CmMessageSetType(ping, "Ping");
  CmMessagePutInt(ping, i);
  CmMessagePutLong(ping, i % 2 ? LONG_MAX : LONG_MIN);
  got_pong = 0;
  if (!CmMessageSend(ping, target)) return -1;
  while (!got_pong && now_us() < deadline) CmMessageWaitWithTimeout(1.0);
  return got_pong ? now_us() - t0 : -1;
}

int main(int argc, char **argv)
{
  char *labels[MAX_TARGETS], *targets[MAX_TARGETS];
  struct timespec pause;
  CmMessage ping;
  int count, n = 0, i, j, block, blocks, shape;
  double us;

  if (argc < 5 || argc - 4 > MAX_TARGETS) {
    fprintf(stderr, "usage: cm_bench_migration_ping NAME COUNT PAUSE_MS LABEL=TARGET...\n");
    return 2;
  }
  count = atoi(argv[2]);
  pause.tv_sec = 0;
  pause.tv_nsec = atol(argv[3]) * 1000000L;
  for (i = 4; i < argc; i++, n++) {
    char *eq = strchr(argv[i], '=');
    if (eq == NULL) return 2;
    *eq = '\0';
    labels[n] = argv[i];
    targets[n] = eq + 1;
  }
  if (!CmMessageOpenServer(argv[1])) {
    fprintf(stderr, "FAIL CmMessageOpenServer(%s)\n", argv[1]);
    return 1;
  }
  CmMessageInstallHandler(on_pong, "Pong");
  ping = CmMessageNew();
  for (j = 0; j < n; j++) {
    /* The first send may come before the target's name is known here. */
    for (i = 0; i < 100 && round_trip(ping, targets[j], 0) < 0; i++) CmMessageWaitWithTimeout(0.05);
    for (i = 0; i < WARM_UP; i++)
      if (round_trip(ping, targets[j], i) < 0) {
        fprintf(stderr, "FAIL warm-up round trip %d to %s\n", i, targets[j]);
        return 1;
      }
  }
  blocks = (count + BLOCK - 1) / BLOCK;
  for (block = 0; block < blocks; block++)
    for (shape = 0; shape < 2; shape++)
      for (j = 0; j < n; j++) {
        int t = (j + block) % n, back = (shape + block) % 2 == 0;
        for (i = 0; i < BLOCK; i++) {
          if (!back) nanosleep(&pause, NULL);
          us = round_trip(ping, targets[t], i);
          if (us < 0) {
            fprintf(stderr, "FAIL round trip to %s (%s)\n", targets[t], labels[t]);
            return 1;
          }
          printf("%s %s %.1f\n", labels[t], back ? "back" : "pause", us);
        }
      }
  CmMessageDelete(ping);
  CmMessageCloseServer();
  return 0;
}
