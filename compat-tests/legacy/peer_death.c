/*
 * peer_death.c -- a server killed with SIGKILL is noticed.
 *
 *   legacy_peer_death NAME VICTIM VICTIM_PID
 *
 * VICTIM is a legacy_peer.  We exchange Ping/Pong with it (so it is a peer),
 * then kill -9 it ourselves, and check, timing each from the kill:
 *   - our disconnection handler runs once, for VICTIM, within 3 s;
 *   - the name server drops VICTIM: CmConnectGetReference(VICTIM) becomes
 *     NULL within 10 s;
 *   - CmMessageSend to VICTIM returns 0, within about 2 s.
 */
#define _POSIX_C_SOURCE 199309L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <CmMessage.h>

#include "check.h"

static char *victim;
static int pong_pid = 0;
static int connections = 0, disconnections = 0, disconnections_of_victim = 0;

static CmMessageStatus on_pong(CmMessage message, char *sender, char *serverName)
{
  (void)sender;
  (void)serverName;
  pong_pid = CmMessageGetInt(message);
  return CmMessageBreak;
}

static void on_connect(CmConnect connect)
{
  (void)connect;
  connections++;
}

static void on_disconnect(CmConnect connect)
{
  char *name = CmConnectGetName(connect);
  disconnections++;
  if (name && strcmp(name, victim) == 0)
    disconnections_of_victim++;
  note("disconnection handler: \"%s\"", name ? name : "NULL");
}

int main(int argc, char **argv)
{
  CmMessage m;
  long victim_pid;
  double killed_at, deadline, dt, t0;
  int sent;

  check_init("peer-death");
  if (argc != 4) {
    fprintf(stderr, "usage: legacy_peer_death NAME VICTIM VICTIM_PID\n");
    return 2;
  }
  victim = argv[2];
  victim_pid = atol(argv[3]);
  if (!check(CmMessageOpenServer(argv[1]) == 1, "CmMessageOpenServer(\"%s\") returns 1", argv[1]))
    return check_exit();
  CmMessageInstallHandler(on_pong, "Pong");
  CmConnectInstallConnectionHandler(on_connect);
  CmConnectInstallDisconnectionHandler(on_disconnect);

  m = CmMessageNew();
  CmMessageSetType(m, "Ping");
  check(CmMessageSend(m, victim) == 1, "CmMessageSend(Ping, \"%s\") returns 1", victim);
  check(CmMessageWaitWithTimeout(10.0) == CmMessageBreak && pong_pid == victim_pid,
        "Pong from the victim (pid %d, expected %ld)", pong_pid, victim_pid);
  CmMessageWaitWithTimeout(0.2); /* let connection events run */
  check(connections == 1, "connection handler ran once (%d)", connections);
  check(disconnections == 0, "no disconnection yet (%d)", disconnections);

  if (!check(kill((pid_t)victim_pid, SIGKILL) == 0, "kill -9 %ld", victim_pid))
    return check_exit();
  killed_at = now_seconds();

  deadline = killed_at + 5.0;
  while (disconnections == 0 && now_seconds() < deadline)
    CmMessageWaitWithTimeout(0.05);
  dt = now_seconds() - killed_at;
  check(disconnections_of_victim == 1 && dt < 3.0,
        "disconnection handler ran for \"%s\" %.2f s after the kill (expected < 3 s)", victim, dt);

  deadline = killed_at + 10.0;
  while (CmConnectGetReference(victim) != NULL && now_seconds() < deadline)
    CmMessageWaitWithTimeout(0.1);
  dt = now_seconds() - killed_at;
  check(CmConnectGetReference(victim) == NULL,
        "the name server dropped \"%s\": CmConnectGetReference is NULL %.2f s after the kill",
        victim, dt);

  t0 = now_seconds();
  sent = CmMessageSend(m, victim);
  dt = now_seconds() - t0;
  check(sent == 0, "CmMessageSend to the dead \"%s\" returns 0 (got %d)", victim, sent);
  check(dt < 2.5, "... within about 2 s (%.2f s)", dt);

  CmMessageWaitWithTimeout(0.5);
  check(disconnections_of_victim == 1 && disconnections == 1,
        "disconnection handler ran exactly once in all (%d)", disconnections);

  CmMessageDelete(m);
  CmMessageCloseServer();
  return check_exit();
}
