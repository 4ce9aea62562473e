/*
 * connect.c -- CmConnectGetReference / GetName / Kill and the connection
 * handlers.  Compiled as C99 and included the modern way, <Cm/Cm.h>.
 *
 *   legacy_connect NAME PEER
 *
 * PEER is a live legacy_peer.  Checks:
 *   - NULL and unknown names give NULL references; GetName(NULL) is NULL;
 *     Kill(NULL) is ignored;
 *   - GetReference(PEER) resolves it without sending anything: no connection
 *     handler call yet; GetName gives PEER;
 *   - the first Ping/Pong calls the connection handler once, for PEER; a
 *     second exchange does not call it again;
 *   - CmConnectKill runs the disconnection handler once; the reference
 *     stays valid (GetName); the next Send reconnects and the peer answers;
 *   - after "Stop" the peer closes and our disconnection handler runs for it
 *     (within 3 s).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <string.h>

#include <Cm/Cm.h>

#include "check.h"

static char *peer;
static int pongs = 0;
static int connections = 0, disconnections = 0, events_for_others = 0;

static CmMessageStatus on_pong(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  pongs++;
  return CmMessageBreak;
}

static int is_peer(CmConnect connect)
{
  char *name = CmConnectGetName(connect);
  if (name && strcmp(name, peer) == 0)
    return 1;
  note("connection event for \"%s\"", name ? name : "NULL");
  events_for_others++;
  return 0;
}

static void on_connect(CmConnect connect)
{
  connections += is_peer(connect);
}

static void on_disconnect(CmConnect connect)
{
  disconnections += is_peer(connect);
}

/* Ping the peer and wait (up to 10 s) for its Pong; then let events run. */
static int ping(CmMessage m)
{
  int before = pongs;
  int sent = CmMessageSend(m, peer);
  for (double deadline = now_seconds() + 10.0; pongs == before && now_seconds() < deadline;)
    CmMessageWaitWithTimeout(deadline - now_seconds());
  CmMessageWaitWithTimeout(0.2);
  return sent == 1 && pongs == before + 1;
}

int main(int argc, char **argv)
{
  check_init("connect");
  if (argc != 3) {
    fprintf(stderr, "usage: legacy_connect NAME PEER\n");
    return 2;
  }
  peer = argv[2];
  if (!check(CmMessageOpenServer(argv[1]) == 1, "CmMessageOpenServer(\"%s\") returns 1", argv[1]))
    return check_exit();
  CmMessageInstallHandler(on_pong, "Pong");
  CmConnectInstallConnectionHandler(on_connect);
  CmConnectInstallDisconnectionHandler(on_disconnect);

  check(CmConnectGetReference(NULL) == NULL, "CmConnectGetReference(NULL) is NULL");
  check(CmConnectGetReference("NoSuchPeer") == NULL, "CmConnectGetReference(unknown) is NULL");
  check(CmConnectGetName(NULL) == NULL, "CmConnectGetName(NULL) is NULL");
  CmConnectKill(NULL);
  check(1, "CmConnectKill(NULL) is ignored");

  CmConnect ref = CmConnectGetReference(peer);
  check(ref != NULL, "CmConnectGetReference(\"%s\") is not NULL", peer);
  char *name = CmConnectGetName(ref);
  check(name != NULL && strcmp(name, peer) == 0, "CmConnectGetName gives \"%s\" (got \"%s\")", peer,
        name ? name : "NULL");
  CmMessageWaitWithTimeout(0.3);
  check(connections == 0, "GetReference sent nothing: no connection handler call (%d)",
        connections);

  CmMessage m = CmMessageNew();
  CmMessageSetType(m, "Ping");
  check(ping(m), "first Ping/Pong exchange");
  check(connections == 1, "connection handler ran once for \"%s\" (%d)", peer, connections);
  check(ping(m), "second Ping/Pong exchange");
  check(connections == 1, "... and not again (%d)", connections);
  check(disconnections == 0, "no disconnection so far (%d)", disconnections);
  CmConnect again = CmConnectGetReference(peer);
  note("a second GetReference gives %s pointer", again == ref ? "the same" : "another");

  CmConnectKill(ref);
  CmMessageWaitWithTimeout(0.5);
  check(disconnections == 1, "CmConnectKill ran the disconnection handler once (%d)",
        disconnections);
  name = CmConnectGetName(ref);
  check(name != NULL && strcmp(name, peer) == 0, "the reference is still valid after the kill");
  check(ping(m), "a Send after CmConnectKill reconnects and the peer answers");
  note("connection handler calls after the reconnection: %d", connections);

  int before = disconnections;
  CmMessageSetType(m, "Stop");
  check(CmMessageSend(m, peer) == 1, "Stop to the peer accepted");
  double t0 = now_seconds();
  while (disconnections == before && now_seconds() < t0 + 5.0)
    CmMessageWaitWithTimeout(0.05);
  check(disconnections == before + 1,
        "the peer closed: disconnection handler ran for it after %.2f s (expected < 3 s)",
        now_seconds() - t0);
  check(now_seconds() - t0 < 3.0, "... within 3 s");
  check(events_for_others == 0, "no connection event for another name (%d)", events_for_others);

  CmMessageDelete(m);
  CmMessageCloseServer();
  return check_exit();
}
