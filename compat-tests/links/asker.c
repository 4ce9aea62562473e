/*
 * asker.c -- a legacy Cm program that asks once, then listens.
 *
 *   links_asker NAME TO MORE
 *
 * Opens NAME, prints "READY NAME PID", sends "Count" to TO and waits up to
 * 3 s for the "Counted" answer ("ASKED <seconds>" once it came), then waits
 * up to 8 s for MORE "Counted" messages that TO sends on its own; prints
 * "ANSWERS <n>", closes and exits 0.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <CmMessage.h>
#include "check.h"

static int answers;

static CmMessageStatus on_counted(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  ++answers;
  return CmMessageBreak;
}

int main(int argc, char **argv)
{
  CmMessage m;
  int more;
  double start, end;
  if (argc != 4) {
    fprintf(stderr, "usage: links_asker NAME TO MORE\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!CmMessageOpenServer(argv[1])) return 1;
  CmMessageInstallHandler(on_counted, "Counted");
  printf("READY %s %ld\n", argv[1], (long)getpid());
  more = atoi(argv[3]);
  m = CmMessageNew();
  CmMessageSetType(m, "Count");
  start = now_seconds();
  end = start + 3.0;
  if (CmMessageSend(m, argv[2]))
    while (answers == 0 && now_seconds() < end) CmMessageWaitWithTimeout(end - now_seconds());
  if (answers == 1) printf("ASKED %.3f\n", now_seconds() - start);
  answers = 0;
  end = now_seconds() + 8.0;
  while (answers < more && now_seconds() < end) CmMessageWaitWithTimeout(end - now_seconds());
  printf("ANSWERS %d\n", answers);
  CmMessageDelete(m);
  CmMessageCloseServer();
  return 0;
}
