/*
 * misuse.c -- wrong use from C has defined results and never crashes.
 *
 *   legacy_misuse NAME
 *
 * What is asserted (the contract: "a NULL message makes Put and Set calls do
 * nothing and Get calls return 0/NULL; a Get past the end or on an item of
 * an incompatible kind returns 0/NULL and skips that item; a numeric Get on
 * a numeric item of another kind converts as a C cast would, clamped"):
 *   - every call with a NULL message: Put/Set/Reset/Delete do nothing, Get
 *     gives 0 or NULL, GetItemType gives CmMessageItemTail, GetType gives
 *     NULL or "", CmMessageSend gives 0;
 *   - CmMessageSend to a NULL or "" name gives 0; OpenServer(NULL) gives 0;
 *     CloseServer before any open, handler calls with NULL are harmless;
 *   - every Get past the end gives 0 / NULL, GetItemType gives Tail;
 *   - GetArray on a scalar or a text gives NULL and skips that item;
 *     a numeric Get on a text gives 0 and skips it, GetText on a number NULL;
 *   - numeric conversions: 3.7 -> int 3, -3.7 -> -3, int 300 -> char
 *     CHAR_MAX, -70000 -> short SHRT_MIN, LONG_MAX/LONG_MIN -> int
 *     INT_MAX/INT_MIN, 1e300/-1e300 -> float FLT_MAX/-FLT_MAX, 1e20 -> long
 *     LONG_MAX, and the widening ones exactly;
 *   - PutArray / PutExternalArray with an invalid array type
 *     ((CmMessageArrayType)42, -1) or a negative count append nothing; the
 *     message stays usable;
 *   - a type longer than 255 bytes is cut to 255; SetType(NULL) gives "".
 * PutArray with NULL data and PutBytes with NULL or a negative size are only
 * required not to crash (what they append is printed).
 */
#define _POSIX_C_SOURCE 199309L
#include <float.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <CmMessage.h>

#include "check.h"

static CmMessageStatus never_called(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  return CmMessageOk;
}

static void null_message(char *self)
{
  CmMessageArrayType kind = CmMessageDouble;
  int ints[3] = {1, 2, 3}, size = -1, count = -1;
  char *type;
  CmMessage none = NULL;

  CmMessageDelete(none);
  CmMessageReset(none);
  CmMessageSetType(none, "T");
  CmMessagePutChar(none, 'c');
  CmMessagePutShort(none, 1);
  CmMessagePutInt(none, 1);
  CmMessagePutLong(none, 1L);
  CmMessagePutFloat(none, 1.0f);
  CmMessagePutDouble(none, 1.0);
  CmMessagePutText(none, "t");
  CmMessagePutBytes(none, "b", 1);
  CmMessagePutArray(none, CmMessageInt, 3, ints);
  CmMessagePutExternalArray(none, CmMessageInt, 3, ints);
  check(1, "NULL message: Delete, Reset, SetType and every Put do nothing");
  type = CmMessageGetType(none);
  check(type == NULL || type[0] == '\0', "NULL message: GetType gives NULL or \"\"");
  check(CmMessageGetChar(none) == 0, "NULL message: GetChar gives 0");
  check(CmMessageGetShort(none) == 0, "NULL message: GetShort gives 0");
  check(CmMessageGetInt(none) == 0, "NULL message: GetInt gives 0");
  check(CmMessageGetLong(none) == 0, "NULL message: GetLong gives 0");
  check(CmMessageGetFloat(none) == 0.0f, "NULL message: GetFloat gives 0");
  check(CmMessageGetDouble(none) == 0.0, "NULL message: GetDouble gives 0");
  check(CmMessageGetText(none) == NULL, "NULL message: GetText gives NULL");
  check(CmMessageGetBytes(none, &size) == NULL && (size == 0 || size == -1),
        "NULL message: GetBytes gives NULL (size %d: 0 or untouched)", size);
  check(CmMessageGetArray(none, &kind, &count) == NULL && (count == 0 || count == -1),
        "NULL message: GetArray gives NULL (count %d: 0 or untouched)", count);
  check(CmMessageGetItemType(none) == CmMessageItemTail,
        "NULL message: GetItemType gives CmMessageItemTail (got %s)",
        item_type_name((int)CmMessageGetItemType(none)));
  check(CmMessageSend(none, self) == 0, "NULL message: CmMessageSend to ourselves gives 0");
}

static void calls_without_server(void)
{
  CmMessageCloseServer();
  check(1, "CmMessageCloseServer before any OpenServer is harmless");
  check(CmMessageOpenServer(NULL) == 0, "CmMessageOpenServer(NULL) gives 0");
  CmMessageInstallHandler(NULL, "NoHandler");
  CmMessageInstallHandler(never_called, NULL);
  CmMessageUninstallHandler(NULL);
  CmMessageUninstallHandler("NeverInstalled");
  CmMessageInstallDefaultHandler(NULL);
  check(1, "InstallHandler(NULL, type), InstallHandler(h, NULL), UninstallHandler(NULL),"
           " UninstallHandler(unknown), InstallDefaultHandler(NULL) are harmless");
}

static void past_the_end(void)
{
  CmMessage m = CmMessageNew();
  CmMessageArrayType kind;
  int size = -1, count = -1;

  check(CmMessageGetItemType(m) == CmMessageItemTail, "empty message: GetItemType gives Tail");
  check(CmMessageGetChar(m) == 0, "past the end: GetChar gives 0");
  check(CmMessageGetShort(m) == 0, "past the end: GetShort gives 0");
  check(CmMessageGetInt(m) == 0, "past the end: GetInt gives 0");
  check(CmMessageGetLong(m) == 0, "past the end: GetLong gives 0");
  check(CmMessageGetFloat(m) == 0.0f, "past the end: GetFloat gives 0");
  check(CmMessageGetDouble(m) == 0.0, "past the end: GetDouble gives 0");
  check(CmMessageGetText(m) == NULL, "past the end: GetText gives NULL");
  check(CmMessageGetBytes(m, &size) == NULL, "past the end: GetBytes gives NULL (size %d)", size);
  check(CmMessageGetArray(m, &kind, &count) == NULL, "past the end: GetArray gives NULL");
  CmMessagePutInt(m, 42);
  check(CmMessageGetInt(m) == 42, "after Gets past the end, a Put item still reads back");
  check(CmMessageGetInt(m) == 0 && CmMessageGetItemType(m) == CmMessageItemTail,
        "and past it again: 0, Tail");
  CmMessageDelete(m);
}

static void kind_mismatches(void)
{
  CmMessage m = CmMessageNew();
  CmMessageArrayType kind;
  int count = -1;
  char *text;

  CmMessagePutInt(m, 7);
  CmMessagePutText(m, "after");
  check(CmMessageGetArray(m, &kind, &count) == NULL, "GetArray on an int gives NULL");
  check(CmMessageGetItemType(m) == CmMessageItemText, "... and skips the int (next: %s)",
        item_type_name((int)CmMessageGetItemType(m)));
  text = CmMessageGetText(m);
  check(text && strcmp(text, "after") == 0, "... the next item reads normally");

  CmMessageReset(m);
  CmMessagePutText(m, "t");
  CmMessagePutInt(m, 3);
  check(CmMessageGetArray(m, &kind, &count) == NULL, "GetArray on a text gives NULL");
  check(CmMessageGetInt(m) == 3, "... and skips the text");

  CmMessageReset(m);
  CmMessagePutText(m, "abc");
  CmMessagePutInt(m, 5);
  check(CmMessageGetInt(m) == 0, "GetInt on a text gives 0");
  check(CmMessageGetInt(m) == 5, "... and skips the text");

  CmMessageReset(m);
  CmMessagePutInt(m, 5);
  CmMessagePutDouble(m, 2.5);
  check(CmMessageGetText(m) == NULL, "GetText on an int gives NULL");
  check(CmMessageGetDouble(m) == 2.5, "... and skips the int");

  CmMessageReset(m);
  CmMessagePutArray(m, CmMessageInt, 1, &count);
  CmMessagePutLong(m, 6L);
  check(CmMessageGetDouble(m) == 0.0, "GetDouble on an array gives 0");
  check(CmMessageGetLong(m) == 6L, "... and skips the array");
  CmMessageDelete(m);
}

static void conversions(void)
{
  CmMessage m = CmMessageNew();
  CmMessagePutDouble(m, 3.7);
  CmMessagePutDouble(m, -3.7);
  CmMessagePutInt(m, 300);
  CmMessagePutInt(m, -70000);
  CmMessagePutLong(m, LONG_MAX);
  CmMessagePutLong(m, LONG_MIN);
  CmMessagePutDouble(m, 1e300);
  CmMessagePutDouble(m, -1e300);
  CmMessagePutDouble(m, 1e20);
  CmMessagePutInt(m, -5);
  CmMessagePutShort(m, -2);
  CmMessagePutChar(m, 'A');
  CmMessagePutFloat(m, 2.5f);
  CmMessagePutInt(m, INT_MIN);

  check(CmMessageGetItemType(m) == CmMessageItemDouble, "GetItemType tells the item's own kind");
  check(CmMessageGetInt(m) == 3, "double 3.7 read as int gives 3");
  check(CmMessageGetInt(m) == -3, "double -3.7 read as int gives -3");
  check(CmMessageGetChar(m) == CHAR_MAX, "int 300 read as char is clamped to CHAR_MAX");
  check(CmMessageGetShort(m) == SHRT_MIN, "int -70000 read as short is clamped to SHRT_MIN");
  check(CmMessageGetInt(m) == INT_MAX, "long LONG_MAX read as int is clamped to INT_MAX");
  check(CmMessageGetInt(m) == INT_MIN, "long LONG_MIN read as int is clamped to INT_MIN");
  check(CmMessageGetFloat(m) == FLT_MAX, "double 1e300 read as float is clamped to FLT_MAX");
  check(CmMessageGetFloat(m) == -FLT_MAX, "double -1e300 read as float is clamped to -FLT_MAX");
  check(CmMessageGetLong(m) == LONG_MAX, "double 1e20 read as long is clamped to LONG_MAX");
  check(CmMessageGetDouble(m) == -5.0, "int -5 read as double gives -5.0");
  check(CmMessageGetLong(m) == -2L, "short -2 read as long gives -2");
  check(CmMessageGetInt(m) == 'A', "char 'A' read as int gives %d", 'A');
  check(CmMessageGetDouble(m) == 2.5, "float 2.5 read as double gives 2.5");
  check(CmMessageGetLong(m) == (long)INT_MIN, "int INT_MIN read as long gives INT_MIN");
  CmMessageDelete(m);
}

static void bad_puts(void)
{
  CmMessage m = CmMessageNew();
  int ints[3] = {1, 2, 3}, size = -1;

  CmMessagePutArray(m, (CmMessageArrayType)42, 3, ints);
  check(CmMessageGetItemType(m) == CmMessageItemTail,
        "PutArray((CmMessageArrayType)42) appends nothing (next: %s)",
        item_type_name((int)CmMessageGetItemType(m)));
  CmMessagePutExternalArray(m, (CmMessageArrayType)42, 3, ints);
  check(CmMessageGetItemType(m) == CmMessageItemTail,
        "PutExternalArray((CmMessageArrayType)42) appends nothing");
  CmMessagePutArray(m, (CmMessageArrayType)-1, 3, ints);
  check(CmMessageGetItemType(m) == CmMessageItemTail,
        "PutArray((CmMessageArrayType)-1) appends nothing");
  CmMessagePutArray(m, CmMessageInt, -1, ints);
  check(CmMessageGetItemType(m) == CmMessageItemTail, "PutArray with count -1 appends nothing");
  CmMessagePutInt(m, 9);
  check(CmMessageGetInt(m) == 9, "the message stays usable after invalid Puts");

  CmMessageReset(m);
  CmMessagePutArray(m, CmMessageInt, 3, NULL);
  CmMessagePutBytes(m, NULL, 4);
  CmMessagePutBytes(m, "abc", -1);
  note("PutArray(NULL data) then PutBytes(NULL, 4), PutBytes(size -1): next item is %s",
       item_type_name((int)CmMessageGetItemType(m)));
  check(1, "PutArray with NULL data and PutBytes with NULL or size -1 do not crash");
  (void)CmMessageGetBytes(m, &size);
  CmMessageDelete(m);
}

static void types(void)
{
  CmMessage m = CmMessageNew();
  char long_type[301];
  char *got;
  memset(long_type, 'T', 300);
  long_type[300] = '\0';
  check(strcmp(CmMessageGetType(m), "") == 0, "a new message's type is \"\"");
  CmMessageSetType(m, long_type);
  got = CmMessageGetType(m);
  check(got && strlen(got) == 255 && strncmp(got, long_type, 255) == 0,
        "a 300-byte type is cut to 255 bytes (got %d)", got ? (int)strlen(got) : -1);
  CmMessageSetType(m, NULL);
  got = CmMessageGetType(m);
  check(got && got[0] == '\0', "SetType(NULL) sets \"\"");
  CmMessageDelete(m);
}

int main(int argc, char **argv)
{
  CmMessage m;
  check_init("misuse");
  if (argc != 2) {
    fprintf(stderr, "usage: legacy_misuse NAME\n");
    return 2;
  }
  calls_without_server();
  past_the_end();
  kind_mismatches();
  conversions();
  bad_puts();
  types();

  check(CmMessageOpenServer(argv[1]) == 1, "CmMessageOpenServer(\"%s\") returns 1", argv[1]);
  null_message(argv[1]);
  m = CmMessageNew();
  CmMessageSetType(m, "Nothing");
  check(CmMessageSend(m, NULL) == 0, "CmMessageSend to a NULL name gives 0");
  check(CmMessageSend(m, "") == 0, "CmMessageSend to \"\" gives 0");
  CmMessageDelete(m);
  check(CmMessageWaitWithTimeout(0.1) == CmMessageOk, "the process still waits normally");
  CmMessageCloseServer();
  return check_exit();
}
