// item_print: a message's items as text lines (JSON: cm::json::Items).
//
// One line per item, "<type> <value>", in the syntax item_args reads back:
//   char 65 'A'         (the code; the character too when printable)
//   short -3 | int 42 | long 9000000000
//   float 1.5 | double 0.1        (shortest form that reads back exactly)
//   text "hello\n"                (a JSON string; text NULL for a NULL text)
//   bytes 00ff10                  (hex)
//   array int:1,2,3               (array double: for an empty one)
#ifndef CM_TOOLS_ITEM_PRINT_H
#define CM_TOOLS_ITEM_PRINT_H

#include <cstdio>
#include <string>

#include "codec/message.h"

namespace cmtool {

std::string FormatItem(const cm::Message& message, const cm::Item& item);
// Every item, one per line, each line starting with `indent`.
void PrintItems(const cm::Message& message, const char* indent, FILE* out);

}  // namespace cmtool

#endif
