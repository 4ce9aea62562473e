/* check.c -- see check.h. */
#define _POSIX_C_SOURCE 199309L
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static const char *check_role = "test";
static int check_passed = 0;
static int check_failed = 0;

void check_init(const char *role)
{
  check_role = role;
  /* Lines must reach the log even when the process is killed later. */
  setvbuf(stdout, NULL, _IOLBF, 0);
}

static void check_line(const char *verdict, const char *what, va_list args)
{
  printf("%s %s: ", verdict, check_role);
  vprintf(what, args);
  printf("\n");
  fflush(stdout);
}

int check(int ok, const char *what, ...)
{
  va_list args;
  va_start(args, what);
  check_line(ok ? "PASS" : "FAIL", what, args);
  va_end(args);
  if (ok)
    check_passed++;
  else
    check_failed++;
  return ok;
}

int expect(int ok, const char *what, ...)
{
  va_list args;
  if (!ok) {
    va_start(args, what);
    check_line("FAIL", what, args);
    va_end(args);
    check_failed++;
  }
  return ok;
}

void note(const char *what, ...)
{
  va_list args;
  va_start(args, what);
  check_line("    ", what, args);
  va_end(args);
}

int check_exit(void)
{
  printf("%s %s: %d passed, %d failed\n", check_failed ? "FAIL" : "DONE",
         check_role, check_passed, check_failed);
  fflush(stdout);
  return check_failed ? 1 : 0;
}

const char *item_type_name(int type)
{
  static const char *names[] = {"char", "short", "int",  "long", "float",
                                "double", "array", "text", "bytes", "tail"};
  if (type < 0 || type >= (int)(sizeof names / sizeof names[0]))
    return "?";
  return names[type];
}

double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_seconds(double seconds)
{
  struct timespec ts;
  ts.tv_sec = (time_t)seconds;
  ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0) {
  }
}
