/*
 * open_server.c -- the rules of CmMessageOpenServer.
 *
 *   legacy_open_server NAME HOLDER HOLDER_PID
 *
 * HOLDER is a live legacy_peer.  Checks, in this order:
 *   - bad names return 0: NULL, "", "with space", a tab, a control
 *     character, 256 and 300 characters;
 *   - HOLDER (held by a live process) returns 0;
 *   - NAME returns 1; NAME again returns 1; another name while open
 *     returns 0; NAME is then listed (CmConnectGetReference not NULL);
 *   - the holder kept its name: it still answers a Ping with its own pid.
 * Finally sends "Stop" to the holder.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CmMessage.h>

#include "check.h"

static int pong_pid = 0;

static CmMessageStatus on_pong(CmMessage message, char *sender, char *serverName)
{
  (void)sender;
  (void)serverName;
  pong_pid = CmMessageGetInt(message);
  return CmMessageBreak;
}

static void expect_refused(char *name, const char *shown)
{
  double t0 = now_seconds(), dt;
  int opened = CmMessageOpenServer(name);
  dt = now_seconds() - t0;
  check(opened == 0, "CmMessageOpenServer(%s) returns 0 (got %d, %.2f s)", shown, opened, dt);
}

int main(int argc, char **argv)
{
  char long_name[301], name_256[257], shown[320];
  char *name, *holder;
  long holder_pid;
  CmMessage m;

  check_init("open-server");
  if (argc != 4) {
    fprintf(stderr, "usage: legacy_open_server NAME HOLDER HOLDER_PID\n");
    return 2;
  }
  name = argv[1];
  holder = argv[2];
  holder_pid = atol(argv[3]);
  memset(long_name, 'a', 300);
  long_name[300] = '\0';
  memset(name_256, 'b', 256);
  name_256[256] = '\0';

  expect_refused(NULL, "NULL");
  expect_refused("", "\"\"");
  expect_refused("with space", "\"with space\"");
  expect_refused("with\ttab", "\"with\\ttab\"");
  expect_refused("bell\007", "\"bell\\a\"");
  expect_refused(name_256, "256 characters");
  expect_refused(long_name, "300 characters");
  sprintf(shown, "\"%s\", held by live pid %ld", holder, holder_pid);
  expect_refused(holder, shown);

  check(CmMessageOpenServer(name) == 1, "CmMessageOpenServer(\"%s\") returns 1", name);
  check(CmMessageOpenServer(name) == 1, "the same name again returns 1");
  expect_refused("AnotherName", "\"AnotherName\" while \"...\" is open");
  check(CmMessageOpenServer(name) == 1, "the first name is still ours: again returns 1");
  check(CmConnectGetReference(name) != NULL, "\"%s\" is listed (CmConnectGetReference)", name);
  check(CmConnectGetReference("AnotherName") == NULL, "\"AnotherName\" is not listed");

  /* The holder was not disturbed. */
  CmMessageInstallHandler(on_pong, "Pong");
  m = CmMessageNew();
  CmMessageSetType(m, "Ping");
  check(CmMessageSend(m, holder) == 1, "Ping to the holder \"%s\" accepted", holder);
  check(CmMessageWaitWithTimeout(10.0) == CmMessageBreak && pong_pid == holder_pid,
        "the holder (pid %ld) still answers as \"%s\" (got pid %d)", holder_pid, holder, pong_pid);

  CmMessageSetType(m, "Stop");
  check(CmMessageSend(m, holder) == 1, "Stop to the holder accepted");
  CmMessageDelete(m);
  CmMessageCloseServer();
  return check_exit();
}
