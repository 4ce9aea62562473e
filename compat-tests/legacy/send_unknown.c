/*
 * send_unknown.c -- sending to a name nobody holds fails fast.
 *
 *   legacy_send_unknown NAME
 *
 * CmConnectGetReference and CmMessageSend of an unknown name give NULL / 0
 * within about a second: first before any CmMessageOpenServer (automatic
 * name), then with the server NAME open, then again (no stale cache).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <unistd.h>

#include <CmMessage.h>

#include "check.h"

static char unknown[64];

static void send_to_unknown(CmMessage m, const char *when)
{
  double t0 = now_seconds(), dt;
  int sent = CmMessageSend(m, unknown);
  dt = now_seconds() - t0;
  check(sent == 0, "%s: CmMessageSend to unknown \"%s\" returns 0 (got %d)", when, unknown, sent);
  check(dt < 1.5, "%s: ... within about a second (%.3f s)", when, dt);
}

int main(int argc, char **argv)
{
  CmMessage m;
  double t0, dt;
  CmConnect ref;

  check_init("send-unknown");
  if (argc != 2) {
    fprintf(stderr, "usage: legacy_send_unknown NAME\n");
    return 2;
  }
  sprintf(unknown, "NoSuchProcess%ld", (long)getpid());
  m = CmMessageNew();
  CmMessageSetType(m, "Hello");
  CmMessagePutInt(m, 1);

  t0 = now_seconds();
  ref = CmConnectGetReference(unknown);
  dt = now_seconds() - t0;
  check(ref == NULL, "CmConnectGetReference(unknown) is NULL");
  check(dt < 1.5, "... within about a second (%.3f s)", dt);

  send_to_unknown(m, "before OpenServer");
  check(CmMessageOpenServer(argv[1]) == 1, "CmMessageOpenServer(\"%s\") returns 1", argv[1]);
  send_to_unknown(m, "server open");
  send_to_unknown(m, "again");
  check(CmMessageWaitWithTimeout(0.1) == CmMessageOk, "CmMessageWaitWithTimeout(0.1) afterwards returns Ok");

  CmMessageDelete(m);
  CmMessageCloseServer();
  return check_exit();
}
