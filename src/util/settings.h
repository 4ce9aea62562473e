// Settings: the environment variables that configure a process (CM_*,
// CMDOMAIN...), read in one place.  docs/operations.md, "Settings", lists
// them all.
//
// Each reader returns the variable's value when it is set and usable, else
// its fallback.  An unset or empty variable is the fallback, silently; a
// value that cannot be used is said in one warning line, naming the
// variable, the value, what is wrong with it and what is used instead:
//
//   cm[...] warning: CM_SEND_TIMEOUT='abc' is not a positive number of seconds: using 2
//
// once per variable and value in a process (a setting may be read at every
// session start).  CM_LOG and CM_LOG_FILE are read by util/log.cpp, whose
// warnings cannot go through the log before it is set up.
//
// Thread-safe.
#ifndef CM_UTIL_SETTINGS_H
#define CM_UTIL_SETTINGS_H

#include <string>

namespace cm {

// The value, or "" when unset.
std::string TextSetting(const char* name);

// Whether `name` is in the environment at all, even empty (a setting that
// is set but empty, or set without the one it goes with, may be worth saying).
bool SettingIsSet(const char* name);

// A text the caller checks with `valid`; a value it refuses is said
// ("CM_HOST='bad host' is not <expected>: <instead>") and "" returned.
std::string CheckedTextSetting(const char* name, bool (*valid)(const std::string&), const char* expected,
                               const char* instead);

// A positive number (decimals allowed) of `unit`: one that is not is said
// and `fallback` returned; one below `min` or above `max` is said and
// brought to that bound.
double PositiveNumberSetting(const char* name, const char* unit, double fallback, double min, double max);

// A whole number from `min` to `max`; anything else is said and `fallback`
// returned.
long IntegerSetting(const char* name, const char* unit, long fallback, long min, long max);

// On or off: 1, on, yes, true / 0, off, no, false (in any case); anything
// else is said and `fallback` returned.
bool SwitchSetting(const char* name, bool fallback);

// For a reader of its own (a list, a version): says that `name`=`value` is
// `problem` and that `instead` is used, once per variable and value.
void WarnSetting(const char* name, const std::string& value, const std::string& problem, const std::string& instead);

// "2", "0.5", "1e+06": a number as a warning shows what is used.
std::string FormatSettingNumber(double value);

}  // namespace cm

#endif
