/*
 * member.c -- one of the many processes of the scale test (scale.sh).
 *
 *   scale_member NAME INDEX COLLECTOR
 *
 * A legacy control process in miniature, using only the public C API:
 * registers NAME (CmMessageOpenServer), sends one "Hello" (text NAME, int
 * pid, int INDEX) to COLLECTOR, then serves in a CmMessageWaitWithTimeout
 * loop until it is told to stop, in one of the ways a control system stops
 * its processes:
 *   - a "Quit" message (the collector sends one to every member on
 *     "StopAll"): the handler breaks the wait;
 *   - SIGTERM or SIGINT (a process manager): the handler sets a flag, seen
 *     within the loop's half second;
 *   - `cm kill NAME`: the library answers cm:kill itself, closes, exits 0.
 * Then CmMessageCloseServer (unregisters) and exit 0.
 *
 * When CmMessageOpenServer or the Hello's CmMessageSend returns 0 (on a
 * starved machine the name server or the collector may not answer within
 * the library's bounds), it tries again every second, for up to two
 * minutes, still serving meanwhile; the library's warning on stderr says
 * why each try failed, and the driver checks those reasons.
 *
 * Quiet when all goes well apart from one line,
 *   TIMES open S send S at T retries O H
 * (seconds from the first CmMessageOpenServer to success, from the first
 * Hello CmMessageSend to success; T: CLOCK_MONOTONIC when main began; the
 * tries that returned 0), which the driver summarises.  Exit 1: could not
 * register; 3: the Hello was never accepted; 2: bad usage.
 */
#define _POSIX_C_SOURCE 199309L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CmMessage.h>

#include "check.h"

/* How long to keep trying to register, and to deliver the Hello, when a
 * call returns 0; and the pause between tries. */
#define PATIENCE 120.0
#define RETRY_PAUSE 1.0

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int signal_number)
{
  stop_signal = signal_number;
}

static CmMessageStatus on_quit(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  return CmMessageBreak;
}

int main(int argc, char **argv)
{
  struct sigaction action;
  CmMessage hello;
  double t_main = now_seconds(), t0, t_open, t_send;
  int open_tries = 0, send_tries = 0, sent = 0;

  if (argc != 4) {
    fprintf(stderr, "usage: scale_member NAME INDEX COLLECTOR\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);

  /* A name server too busy to answer within the library's bounds makes
   * the call return 0: try again, as a supervised process would be. */
  t0 = now_seconds();
  while (!CmMessageOpenServer(argv[1])) {
    if (stop_signal || now_seconds() - t0 > PATIENCE) {
      printf("FAIL %s: CmMessageOpenServer returned 0 %d times in %.3f s (started at %.3f)\n", argv[1],
             open_tries + 1, now_seconds() - t0, t_main);
      return 1;
    }
    open_tries++;
    sleep_seconds(RETRY_PAUSE);
  }
  t_open = now_seconds() - t0;
  CmMessageInstallHandler(on_quit, "Quit");

  hello = CmMessageNew();
  CmMessageSetType(hello, "Hello");
  CmMessagePutText(hello, argv[1]);
  CmMessagePutInt(hello, (int)getpid());
  CmMessagePutInt(hello, atoi(argv[2]));
  t0 = now_seconds();
  while (!stop_signal && !(sent = CmMessageSend(hello, argv[3]))) {
    if (now_seconds() - t0 > PATIENCE)
      break;
    send_tries++;
    if (CmMessageWaitWithTimeout(RETRY_PAUSE) == CmMessageBreak)
      break; /* told to quit meanwhile */
  }
  t_send = now_seconds() - t0;
  CmMessageDelete(hello);
  if (!sent) {
    printf("FAIL %s: CmMessageSend(Hello, \"%s\") returned 0 %d times in %.3f s\n", argv[1], argv[3],
           send_tries + 1, t_send);
    CmMessageCloseServer();
    return 3;
  }
  printf("TIMES open %.6f send %.6f at %.6f retries %d %d\n", t_open, t_send, t_main, open_tries,
         send_tries);

  while (!stop_signal)
    if (CmMessageWaitWithTimeout(0.5) == CmMessageBreak)
      break;

  CmMessageCloseServer();
  return 0;
}
