/*
 * server.c -- a legacy Cm server that reports what it learns of its peers.
 *
 *   links_server NAME SECONDS [QUIT_AFTER]
 *
 * Opens NAME, prints "READY NAME PID", then for SECONDS handles:
 *   "Data"  (any items)  counted per sender; when its first item is an int,
 *                        those numbers must rise ("REORDERED" counts those
 *                        that do not)
 *   "Busy"  (int ms)     keeps the handler busy that long (not reading)
 *   "Count" -> replies "Counted" (long: Data received from that sender)
 *   "Notify" (text NAME, int N) -> sends N "Counted" to NAME
 * Every connection and disconnection handler call is printed at once, as
 * "CONNECT <name>" / "DISCONNECT <name>", and at the end "COUNT <name> <n>"
 * for each sender.  Then it closes the server and exits 0.  With QUIT_AFTER,
 * it closes as soon as the handler of that many "Data" messages returned.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CmMessage.h>
#include "check.h"

#define MAX_SENDERS 256

static struct { char name[256]; long count, last, reordered; } senders[MAX_SENDERS];
static int sender_count;
static long data_total, quit_after = -1;

static int index_of(const char *name)
{
  int i;
  for (i = 0; i < sender_count; ++i)
    if (strcmp(senders[i].name, name) == 0) return i;
  if (sender_count == MAX_SENDERS) return -1;
  strncpy(senders[sender_count].name, name, 255);
  senders[sender_count].count = senders[sender_count].last = senders[sender_count].reordered = 0;
  return sender_count++;
}

static long *count_of(const char *name)
{
  int i = index_of(name);
  return i < 0 ? NULL : &senders[i].count;
}

static CmMessageStatus on_data(CmMessage message, char *sender, char *serverName)
{
  int i = index_of(sender);
  long *count = count_of(sender);
  (void)serverName;
  if (count) ++*count;
  if (i >= 0 && CmMessageGetItemType(message) == CmMessageItemInt) {
    long n = CmMessageGetInt(message);
    if (n <= senders[i].last) ++senders[i].reordered;
    senders[i].last = n;
  }
  return ++data_total == quit_after ? CmMessageBreak : CmMessageOk;
}

static CmMessageStatus on_busy(CmMessage message, char *sender, char *serverName)
{
  int ms = CmMessageGetInt(message);
  (void)serverName;
  printf("BUSY %d ms for %s\n", ms, sender);
  sleep_seconds(ms / 1000.0);
  return CmMessageOk;
}

static CmMessageStatus on_count(CmMessage message, char *sender, char *serverName)
{
  CmMessage reply = CmMessageNew();
  long *count = count_of(sender);
  (void)message;
  (void)serverName;
  CmMessageSetType(reply, "Counted");
  CmMessagePutLong(reply, count ? *count : 0);
  CmMessageSend(reply, sender);
  CmMessageDelete(reply);
  return CmMessageOk;
}

static CmMessageStatus on_notify(CmMessage message, char *sender, char *serverName)
{
  CmMessage note = CmMessageNew();
  char *to = CmMessageGetText(message);
  int n = CmMessageGetInt(message), i;
  (void)sender;
  (void)serverName;
  CmMessageSetType(note, "Counted");
  CmMessagePutLong(note, 0);
  for (i = 0; i < n && to; ++i) CmMessageSend(note, to);
  CmMessageDelete(note);
  return CmMessageOk;
}

static void on_connect(CmConnect c) { printf("CONNECT %s\n", CmConnectGetName(c)); }
static void on_disconnect(CmConnect c) { printf("DISCONNECT %s\n", CmConnectGetName(c)); }

int main(int argc, char **argv)
{
  double end;
  int i;
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: links_server NAME SECONDS [QUIT_AFTER]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!CmMessageOpenServer(argv[1])) return 1;
  CmMessageInstallHandler(on_data, "Data");
  CmMessageInstallHandler(on_busy, "Busy");
  CmMessageInstallHandler(on_count, "Count");
  CmMessageInstallHandler(on_notify, "Notify");
  CmConnectInstallConnectionHandler(on_connect);
  CmConnectInstallDisconnectionHandler(on_disconnect);
  printf("READY %s %ld\n", argv[1], (long)getpid());
  if (argc == 4) quit_after = atol(argv[3]);
  end = now_seconds() + atof(argv[2]);
  while (now_seconds() < end)
    if (CmMessageWaitWithTimeout(end - now_seconds()) == CmMessageBreak) break;
  for (i = 0; i < sender_count; ++i)
    printf("COUNT %s %ld REORDERED %ld\n", senders[i].name, senders[i].count, senders[i].reordered);
  CmMessageCloseServer();
  return 0;
}
