/*
 * asker.c -- a legacy Cm program that asks and waits for answers.
 *
 *   links_asker NAME TO TIMES
 *
 * Opens NAME, prints "READY NAME PID", waits for "Go" (or 1 s), then TIMES
 * times sends "Count" to TO and waits up to 3 s for "Counted"; prints
 * "ANSWERS <n> SLOWEST <seconds>", closes and exits 0.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <CmMessage.h>
#include "check.h"

static int answered;

static CmMessageStatus on_counted(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  answered = 1;
  return CmMessageBreak;
}

static CmMessageStatus on_go(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  return CmMessageBreak;
}

int main(int argc, char **argv)
{
  CmMessage m;
  int times, i, answers = 0;
  double slowest = 0;
  if (argc != 4) {
    fprintf(stderr, "usage: links_asker NAME TO TIMES\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!CmMessageOpenServer(argv[1])) return 1;
  CmMessageInstallHandler(on_counted, "Counted");
  CmMessageInstallHandler(on_go, "Go");
  printf("READY %s %ld\n", argv[1], (long)getpid());
  CmMessageWaitWithTimeout(1.0);
  times = atoi(argv[3]);
  m = CmMessageNew();
  CmMessageSetType(m, "Count");
  for (i = 0; i < times; ++i) {
    double start = now_seconds(), end = start + 3.0;
    answered = 0;
    if (!CmMessageSend(m, argv[2])) continue;
    while (!answered && now_seconds() < end) CmMessageWaitWithTimeout(end - now_seconds());
    if (answered) {
      ++answers;
      if (now_seconds() - start > slowest) slowest = now_seconds() - start;
    }
  }
  printf("ANSWERS %d SLOWEST %.3f\n", answers, slowest);
  CmMessageDelete(m);
  CmMessageCloseServer();
  return 0;
}
