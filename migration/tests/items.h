/*
 * items.h -- the items a migration test message carries across the bridge,
 * in this order: every scalar kind with its extremes (inf, nan, -0.0, the
 * smallest denormal), texts including "" and NULL, bytes with NULs and of
 * size 0, one array of every kind, and an empty array.  Both sides build
 * and check their messages from these tables: the legacy C programs with
 * the Cm API, the C++ test with cm::Message.  C99 and C++.
 */
#ifndef CM_MIGRATION_TESTS_ITEMS_H
#define CM_MIGRATION_TESTS_ITEMS_H

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>

#define ITEMS_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char kItemChars[] = {'x', (char)-128, (char)127, '\0'};
static const short kItemShorts[] = {SHRT_MIN, -1, SHRT_MAX};
static const int kItemInts[] = {INT_MIN, 0, INT_MAX};
static const long kItemLongs[] = {LONG_MIN, -1L, 4294967296L, LONG_MAX};
static const float kItemFloats[] = {1.5f, -0.0f, FLT_MAX, FLT_MIN, 1e-45f, INFINITY, -INFINITY, NAN};
static const double kItemDoubles[] = {3.141592653589793, -0.0, DBL_MAX, DBL_MIN, 4.9e-324, INFINITY, -INFINITY, NAN};
static const char* const kItemTexts[] = {"hello", "", NULL, "gr\xc3\xbc\xc3\x9f" "e \t tab, 'quotes' \"and\" \\"};
static const char kItemBytes[] = {'\0', 'a', (char)0xff, '\0', 'z'};

#endif
