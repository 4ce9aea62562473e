/*
 * collector.c -- the one process every member of the scale test reports to.
 *
 *   scale_collector NAME COUNT PREFIX
 *
 * Registers NAME and counts "Hello" messages (text name, int pid, int index)
 * from members PREFIX0 .. PREFIX<COUNT-1>.  A Hello is good when its index
 * is in range, its text is PREFIX<index>, and the Cm sender name is the same
 * text; the first good Hello from a member counts it, a second is a
 * duplicate.  Prints (line-buffered, for the driver to poll):
 *   READY NAME PID
 *   ALL COUNT after S s (first Hello to last: S s) at T   once every member is counted
 *              (T: CLOCK_MONOTONIC, as in the members' TIMES lines)
 * Messages it takes:
 *   "StopAll"  send "Quit" to every member counted (a send that returns 0
 *              is tried again, up to 3 passes a second apart); prints
 *              "REFUSED name" for each member never reached, then
 *              "QUIT accepted N of M in S s (P passes)"
 *   "Finish"   print the summary and exit (as does SIGTERM / SIGINT):
 *              "SUMMARY distinct D duplicates U bad B of COUNT expected: ok|FAILED"
 * Exit 0 when exactly one good Hello came from each of the COUNT members
 * and nothing else did, 1 otherwise.
 */
#define _POSIX_C_SOURCE 199309L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CmMessage.h>

#include "check.h"

#define MAX_SHOWN 20
#define QUIT_PASSES 3

static const char *prefix;
static int count = 0;
static int *hellos = NULL; /* good Hellos per member index */
static int *pids = NULL;   /* the pid each member reported */
static int distinct = 0, duplicates = 0, bad = 0, bad_shown = 0, all_printed = 0;
static int finish = 0;
static double first_hello = 0, last_hello = 0, started = 0;
static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int signal_number)
{
  stop_signal = signal_number;
}

static void member_name(int index, char *out, size_t size)
{
  char digits[32];
  sprintf(digits, "%d", index);
  out[0] = '\0';
  if (strlen(prefix) + strlen(digits) + 1 > size)
    return;
  strcpy(out, prefix);
  strcat(out, digits);
}

static CmMessageStatus on_hello(CmMessage message, char *sender, char *serverName)
{
  char *name = CmMessageGetText(message);
  int pid = CmMessageGetInt(message);
  int index = CmMessageGetInt(message);
  char expected[300];
  double now = now_seconds();
  (void)serverName;

  if (first_hello == 0)
    first_hello = now;
  last_hello = now;
  if (index >= 0 && index < count)
    member_name(index, expected, sizeof expected);
  else
    expected[0] = '\0';
  if (expected[0] == '\0' || name == NULL || strcmp(name, expected) != 0 || sender == NULL ||
      strcmp(sender, expected) != 0) {
    bad++;
    if (bad_shown++ < MAX_SHOWN)
      printf("BAD Hello from \"%s\": text \"%s\", pid %d, index %d\n", sender ? sender : "(null)",
             name ? name : "(null)", pid, index);
    return CmMessageOk;
  }
  if (hellos[index]++ == 0) {
    distinct++;
    pids[index] = pid;
  } else {
    duplicates++;
    printf("DUPLICATE Hello from %s (pid %d, first from pid %d)\n", name, pid, pids[index]);
  }
  if (distinct == count && !all_printed) {
    all_printed = 1;
    printf("ALL %d after %.3f s (first Hello to last: %.3f s) at %.6f\n", count, now - started,
           last_hello - first_hello, now);
  }
  return CmMessageOk;
}

/* Sends "Quit" to every member counted.  A send that returns 0 is tried
 * again, up to QUIT_PASSES passes a second apart: a member that is gone
 * fails fast (its name is no longer registered), a live one that a starved
 * machine could not reach in time gets another chance. */
static CmMessageStatus on_stop_all(CmMessage message, char *sender, char *serverName)
{
  static int stopping = 0;
  CmMessage quit;
  char name[300];
  char *done;
  int i, pass, tried = 0, accepted = 0, left = 0;
  double t0 = now_seconds();
  (void)message;
  (void)sender;
  (void)serverName;
  if (stopping)
    return CmMessageOk;
  stopping = 1;
  done = (char *)calloc((size_t)count, 1);
  quit = CmMessageNew();
  CmMessageSetType(quit, "Quit");
  for (i = 0; i < count; i++)
    tried += hellos[i] != 0;
  for (pass = 1; pass <= QUIT_PASSES; pass++) {
    left = 0;
    for (i = 0; i < count; i++) {
      if (hellos[i] == 0 || done[i])
        continue;
      member_name(i, name, sizeof name);
      if (CmMessageSend(quit, name)) {
        done[i] = 1;
        accepted++;
      } else {
        left++;
      }
    }
    if (left == 0 || pass == QUIT_PASSES)
      break;
    CmMessageWaitWithTimeout(1.0);
  }
  for (i = 0; i < count; i++)
    if (hellos[i] != 0 && !done[i]) {
      member_name(i, name, sizeof name);
      printf("REFUSED %s\n", name);
    }
  printf("QUIT accepted %d of %d in %.3f s (%d pass%s)\n", accepted, tried, now_seconds() - t0, pass,
         pass == 1 ? "" : "es");
  CmMessageDelete(quit);
  free(done);
  return CmMessageOk;
}

static CmMessageStatus on_finish(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  finish = 1;
  return CmMessageBreak;
}

int main(int argc, char **argv)
{
  struct sigaction action;
  int ok;

  if (argc != 4 || atoi(argv[2]) <= 0) {
    fprintf(stderr, "usage: scale_collector NAME COUNT PREFIX\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  prefix = argv[3];
  count = atoi(argv[2]);
  hellos = (int *)calloc((size_t)count, sizeof *hellos);
  pids = (int *)calloc((size_t)count, sizeof *pids);
  if (hellos == NULL || pids == NULL)
    return 1;

  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);

  if (!CmMessageOpenServer(argv[1])) {
    printf("FAIL CmMessageOpenServer(\"%s\") returned 0\n", argv[1]);
    return 1;
  }
  CmMessageInstallHandler(on_hello, "Hello");
  CmMessageInstallHandler(on_stop_all, "StopAll");
  CmMessageInstallHandler(on_finish, "Finish");
  started = now_seconds();
  printf("READY %s %d\n", argv[1], (int)getpid());

  while (!finish && !stop_signal)
    CmMessageWaitWithTimeout(0.5);

  ok = distinct == count && duplicates == 0 && bad == 0;
  printf("SUMMARY distinct %d duplicates %d bad %d of %d expected: %s\n", distinct, duplicates, bad,
         count, ok ? "ok" : "FAILED");
  CmMessageCloseServer();
  free(hellos);
  free(pids);
  return ok ? 0 : 1;
}
