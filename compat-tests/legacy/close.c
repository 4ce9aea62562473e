/*
 * close.c -- CmMessageCloseServer delivers what was sent; exit loses nothing.
 *
 *   legacy_close sink NAME SENDERS N     receive from SENDERS bursts
 *   legacy_close burst TAG SINK N MODE   send a burst, then end by MODE:
 *       close  open server TAG, send, CmMessageCloseServer twice, return
 *       exit   open server TAG, send, return from main without closing
 *       auto   no OpenServer (automatic name), send, return from main
 *       close-small, exit-small  the same with small messages
 *       fork   open server TAG, fork a child that calls exit() at once
 *              (running the library's exit hook), check that our name still
 *              works (a message to ourselves), then as close-small
 *
 * A burst is N "Data" messages (int seq 1..N, text TAG, 128 doubles; small:
 * no doubles) and a "Last", sent back to back and followed at once by the
 * ending: nothing has had time to leave the process.  Small messages are
 * coalesced by the library (docs/api.md, "Delivery"), so the ending must
 * send what is coalesced too.  The sink checks that every burst arrives
 * whole and in order.  The burst checks that CloseServer took at most about
 * a second and that a second CloseServer is harmless.
 */
#define _POSIX_C_SOURCE 199309L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CmMessage.h>

#include "check.h"

#define MAX_SENDERS 8
#define SAMPLES 128

/* ---- sink ------------------------------------------------------------ */

static struct {
  char tag[64];
  int next;         /* the seq expected next */
  int out_of_order; /* seqs that were not the expected one */
  int last;         /* "Last" seen */
} senders[MAX_SENDERS];
static int n_senders = 0, lasts = 0, wanted_senders = 0, per_sender = 0;

static int sender_index(const char *tag)
{
  int i;
  for (i = 0; i < n_senders; i++)
    if (strcmp(senders[i].tag, tag) == 0)
      return i;
  if (n_senders == MAX_SENDERS)
    return -1;
  strncpy(senders[n_senders].tag, tag, sizeof senders[0].tag - 1);
  senders[n_senders].next = 1;
  return n_senders++;
}

static CmMessageStatus on_data(CmMessage message, char *sender, char *serverName)
{
  int seq = CmMessageGetInt(message), i;
  char *tag = CmMessageGetText(message);
  (void)sender;
  (void)serverName;
  i = sender_index(tag ? tag : "?");
  if (i < 0)
    return CmMessageOk;
  if (seq != senders[i].next && senders[i].out_of_order++ < 5)
    note("%s: got seq %d, expected %d", senders[i].tag, seq, senders[i].next);
  senders[i].next = seq + 1;
  return CmMessageOk;
}

static CmMessageStatus on_last(CmMessage message, char *sender, char *serverName)
{
  char *tag = CmMessageGetText(message);
  int i = sender_index(tag ? tag : "?");
  (void)sender;
  (void)serverName;
  if (i >= 0)
    senders[i].last = 1;
  note("Last from %s", tag ? tag : "?");
  return ++lasts >= wanted_senders ? CmMessageBreak : CmMessageOk;
}

static int run_sink(char *name)
{
  double deadline = now_seconds() + 60.0;
  int i;
  if (!check(CmMessageOpenServer(name) == 1, "CmMessageOpenServer(\"%s\") returns 1", name))
    return check_exit();
  CmMessageInstallHandler(on_data, "Data");
  CmMessageInstallHandler(on_last, "Last");
  printf("READY %s\n", name);
  while (lasts < wanted_senders && now_seconds() < deadline)
    CmMessageWaitWithTimeout(deadline - now_seconds());
  check(n_senders == wanted_senders && lasts == wanted_senders,
        "%d bursts ended with Last (got %d senders, %d Last)", wanted_senders, n_senders, lasts);
  for (i = 0; i < n_senders; i++)
    check(senders[i].next == per_sender + 1 && senders[i].out_of_order == 0 && senders[i].last,
          "burst %s: all %d messages, in order, then Last (next seq %d, %d out of order)",
          senders[i].tag, per_sender, senders[i].next, senders[i].out_of_order);
  CmMessageCloseServer();
  return check_exit();
}

/* ---- burst ----------------------------------------------------------- */

static int self_messages = 0;

static CmMessageStatus on_self(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  ++self_messages;
  return CmMessageBreak;
}

/* A child forked after OpenServer exits with exit(), which runs the
 * library's exit hook in the child: it must leave the parent's session
 * alone (not unregister it, not hang on threads the child does not have). */
static void fork_and_exit_child(char *tag)
{
  CmMessage m;
  double deadline = now_seconds() + 10.0;
  int status = 0, done = 0;
  struct timespec pause;
  pid_t child = fork();
  if (child == 0)
    exit(0);
  pause.tv_sec = 0;
  pause.tv_nsec = 20000000L;
  while (!done && now_seconds() < deadline) {
    done = waitpid(child, &status, WNOHANG) == child;
    if (!done)
      nanosleep(&pause, NULL);
  }
  if (!done)
    kill(child, SIGKILL);
  check(done && WIFEXITED(status) && WEXITSTATUS(status) == 0,
        "%s: a forked child that calls exit() ends at once, with status 0", tag);
  CmMessageInstallHandler(on_self, "Self");
  m = CmMessageNew();
  CmMessageSetType(m, "Self");
  check(CmMessageSend(m, tag) == 1, "%s: after the child's exit, our name still resolves to us", tag);
  CmMessageDelete(m);
  CmMessageWaitWithTimeout(5.0);
  check(self_messages == 1, "%s: and a message to ourselves arrives (%d)", tag, self_messages);
}

static int run_burst(char *tag, char *sink, char *mode)
{
  CmMessage m = CmMessageNew();
  double samples[SAMPLES], t0, dt;
  int i, accepted = 0;
  int small = strstr(mode, "small") != NULL || strcmp(mode, "fork") == 0;

  for (i = 0; i < SAMPLES; i++)
    samples[i] = i;
  if (strcmp(mode, "auto") != 0 &&
      !check(CmMessageOpenServer(tag) == 1, "CmMessageOpenServer(\"%s\") returns 1", tag))
    return check_exit();
  if (strcmp(mode, "fork") == 0)
    fork_and_exit_child(tag);
  for (i = 1; i <= per_sender; i++) {
    CmMessageReset(m);
    CmMessageSetType(m, "Data");
    CmMessagePutInt(m, i);
    CmMessagePutText(m, tag);
    if (!small)
      CmMessagePutArray(m, CmMessageDouble, SAMPLES, samples);
    accepted += CmMessageSend(m, sink);
  }
  CmMessageReset(m);
  CmMessageSetType(m, "Last");
  CmMessagePutText(m, tag);
  accepted += CmMessageSend(m, sink);
  CmMessageDelete(m);
  check(accepted == per_sender + 1, "%s: all %d sends accepted (%d)", tag, per_sender + 1,
        accepted);

  if (strncmp(mode, "close", 5) == 0 || strcmp(mode, "fork") == 0) {
    t0 = now_seconds();
    CmMessageCloseServer();
    dt = now_seconds() - t0;
    check(dt < 2.5, "%s: CmMessageCloseServer took %.2f s (at most about a second)", tag, dt);
    CmMessageCloseServer();
    check(1, "%s: a second CmMessageCloseServer is harmless", tag);
  } else {
    note("%s: returning from main without CmMessageCloseServer", tag);
  }
  return check_exit();
}

int main(int argc, char **argv)
{
  if (argc == 5 && strcmp(argv[1], "sink") == 0) {
    check_init("close-sink");
    wanted_senders = atoi(argv[3]);
    per_sender = atoi(argv[4]);
    return run_sink(argv[2]);
  }
  if (argc == 6 && strcmp(argv[1], "burst") == 0 &&
      (!strcmp(argv[5], "close") || !strcmp(argv[5], "exit") || !strcmp(argv[5], "auto") ||
       !strcmp(argv[5], "close-small") || !strcmp(argv[5], "exit-small") || !strcmp(argv[5], "fork"))) {
    check_init("close-burst");
    per_sender = atoi(argv[4]);
    return run_burst(argv[2], argv[3], argv[5]);
  }
  fprintf(stderr, "usage: legacy_close sink NAME SENDERS N | burst TAG SINK N "
                  "close|exit|auto|close-small|exit-small|fork\n");
  return 2;
}
