/*
 * cm_bench_legacy_echo: an echo as a legacy Cm program writes it (issue 21,
 * item 19), for cm_bench section 1.  Plain C, the C API only.
 *
 *   cm_bench_legacy_echo NAME [COUNT]
 *       register NAME, print "ready", then loop on CmMessageWaitWithTimeout(1.0)
 *       (a server that does something else once a second); every "Request"
 *       (bytes) is answered with a "Reply" of two items: the same bytes and an
 *       int (a status).  With COUNT: print "got COUNT 0", close and exit after
 *       COUNT requests (cm_bench counts its instructions under callgrind).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CmMessage.h>

static long requests = 0;
static long stop_after = 0; /* 0: never */

static CmMessageStatus on_request(CmMessage message, char *sender, char *serverName)
{
  int size = 0;
  char *bytes = CmMessageGetBytes(message, &size);
  CmMessage reply = CmMessageNew();

  (void)serverName;
  CmMessageSetType(reply, "Reply");
  CmMessagePutBytes(reply, bytes, size);
  CmMessagePutInt(reply, 0);
  CmMessageSend(reply, sender);
  CmMessageDelete(reply);
  ++requests;
  return stop_after > 0 && requests >= stop_after ? CmMessageBreak : CmMessageOk;
}

int main(int argc, char **argv)
{
  prctl(PR_SET_PDEATHSIG, SIGKILL); /* nothing outlives a crashed driver */
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: cm_bench_legacy_echo NAME [COUNT]\n");
    return 2;
  }
  if (argc == 3) stop_after = atol(argv[2]);
  if (!CmMessageOpenServer(argv[1])) {
    printf("failed\n");
    return 1;
  }
  CmMessageInstallHandler(on_request, "Request");
  printf("ready\n");
  fflush(stdout);
  while (stop_after == 0 || requests < stop_after) CmMessageWaitWithTimeout(1.0);
  printf("got %ld 0\n", requests);
  fflush(stdout);
  CmMessageCloseServer();
  return 0;
}
