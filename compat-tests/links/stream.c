/*
 * stream.c -- a legacy Cm program that sends numbered messages in two runs.
 *
 *   links_stream TO COUNT PAUSE_S
 *
 * Keeps its automatic name.  Sends "Data" (int n) for n = 1..COUNT to TO,
 * waits PAUSE_S seconds in CmMessageWaitWithTimeout, sends COUNT+1..2*COUNT,
 * waits 4 s more (for what the library has to report), prints
 * "SENT <accepted> REFUSED <refused>", closes and exits 0.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>

#include <CmMessage.h>
#include "check.h"

static void pause_for(double seconds)
{
  double end = now_seconds() + seconds;
  while (now_seconds() < end) CmMessageWaitWithTimeout(end - now_seconds());
}

int main(int argc, char **argv)
{
  CmMessage m;
  int count, n, run;
  long accepted = 0, refused = 0;
  if (argc != 4) {
    fprintf(stderr, "usage: links_stream TO COUNT PAUSE_S\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  count = atoi(argv[2]);
  m = CmMessageNew();
  for (run = 0; run < 2; ++run) {
    for (n = run * count + 1; n <= (run + 1) * count; ++n) {
      CmMessageReset(m);
      CmMessageSetType(m, "Data");
      CmMessagePutInt(m, n);
      if (CmMessageSend(m, argv[1]))
        ++accepted;
      else
        ++refused;
    }
    printf("RUN %d done\n", run + 1);
    pause_for(run == 0 ? atof(argv[3]) : 4.0);
  }
  printf("SENT %ld REFUSED %ld\n", accepted, refused);
  CmMessageDelete(m);
  CmMessageCloseServer();
  return 0;
}
