// item_args: message items from the command line, in the order given.
//
//   -c C   char: one character, or a code from -128 to 255 (-c A, -c 65, -c 0x41)
//   -s N   short       -i N  int       -l N  long    (decimal, or hex with 0x)
//   -f X   float       -d X  double
//   -t T   text        -b H  bytes, as hex digits (-b 00ff10; -b "" is empty)
//   -a K:V,V,...       array of K = char, short, int, long, float or double
//
// Order matters to the receiver, so the items are read from Boost's parsed
// options (which keep it), not from the variables_map (which does not).
#ifndef CM_TOOLS_ITEM_ARGS_H
#define CM_TOOLS_ITEM_ARGS_H

#include <string>

#include <boost/program_options.hpp>

#include "codec/message.h"

namespace cmtool {

// Adds the item options to `options`.
void AddItemOptions(boost::program_options::options_description* options);

// Appends every item option of `parsed` to `message`, in command-line order.
// A value that does not parse: Failure(kExitUsage) naming the option, the
// value and what was expected (`command` names the subcommand).
void AppendItems(const boost::program_options::parsed_options& parsed, const std::string& command,
                 cm::Message* message);


}  // namespace cmtool

#endif
