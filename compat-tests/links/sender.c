/*
 * sender.c -- a legacy Cm program that sends a stream and leaves.
 *
 *   links_sender NAME TO COUNT BYTES [BUSY_MS [LINGER_S]]
 *
 * Opens NAME (or, with NAME "-", keeps its automatic name), optionally sends
 * "Busy" (int BUSY_MS) first, then COUNT "Data" messages of BYTES bytes
 * each to TO, prints "SENT <accepted> REFUSED <refused>", then waits
 * LINGER_S seconds in CmMessageWaitWithTimeout (default 0), closes and
 * exits 0.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CmMessage.h>
#include "check.h"

int main(int argc, char **argv)
{
  CmMessage m;
  char *bytes;
  int count, size, i;
  long accepted = 0, refused = 0;
  double end;
  if (argc < 5) {
    fprintf(stderr, "usage: links_sender NAME TO COUNT BYTES [BUSY_MS [LINGER_S]]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (strcmp(argv[1], "-") != 0 && !CmMessageOpenServer(argv[1])) return 1;
  count = atoi(argv[3]);
  size = atoi(argv[4]);
  m = CmMessageNew();
  if (argc > 5 && atoi(argv[5]) > 0) {
    CmMessageSetType(m, "Busy");
    CmMessagePutInt(m, atoi(argv[5]));
    if (!CmMessageSend(m, argv[2])) printf("Busy refused\n");
    CmMessageReset(m);
  }
  bytes = calloc((size_t)size + 1, 1);
  CmMessageSetType(m, "Data");
  CmMessagePutBytes(m, bytes, size);
  for (i = 0; i < count; ++i) {
    if (CmMessageSend(m, argv[2]))
      ++accepted;
    else
      ++refused;
  }
  printf("SENT %ld REFUSED %ld\n", accepted, refused);
  end = now_seconds() + (argc > 6 ? atof(argv[6]) : 0.0);
  while (now_seconds() < end) CmMessageWaitWithTimeout(end - now_seconds());
  CmMessageDelete(m);
  free(bytes);
  CmMessageCloseServer();
  return 0;
}
