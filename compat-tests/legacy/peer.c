/*
 * peer.c -- a plain legacy Cm server that other test programs talk to.
 *
 *   legacy_peer NAME
 *
 * Opens the server NAME, prints "READY NAME PID", then answers:
 *   "Ping" -> replies "Pong" to the sender with: int pid, text NAME
 *   "Stop" -> leaves CmMessageWait, closes the server, exits 0.
 * Exits 1 if NAME cannot be opened.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <CmMessage.h>

static char *peer_name;

static CmMessageStatus on_ping(CmMessage message, char *sender, char *serverName)
{
  CmMessage reply = CmMessageNew();
  (void)message;
  (void)serverName;
  CmMessageSetType(reply, "Pong");
  CmMessagePutInt(reply, (int)getpid());
  CmMessagePutText(reply, peer_name);
  if (!CmMessageSend(reply, sender))
    printf("peer %s: could not reply to %s\n", peer_name, sender);
  CmMessageDelete(reply);
  return CmMessageOk;
}

static CmMessageStatus on_stop(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)serverName;
  printf("peer %s: Stop from %s\n", peer_name, sender);
  return CmMessageBreak;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: legacy_peer NAME\n");
    return 2;
  }
  peer_name = argv[1];
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!CmMessageOpenServer(peer_name)) {
    printf("peer %s: CmMessageOpenServer failed\n", peer_name);
    return 1;
  }
  CmMessageInstallHandler(on_ping, "Ping");
  CmMessageInstallHandler(on_stop, "Stop");
  printf("READY %s %ld\n", peer_name, (long)getpid());
  CmMessageWait();
  CmMessageCloseServer();
  printf("peer %s: closed\n", peer_name);
  return 0;
}
