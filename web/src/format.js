// Numbers and durations for people.

export function duration(seconds) {
  if (seconds === undefined || seconds === null || seconds < 0) return '';
  const s = Math.floor(seconds);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}

export function count(n) {
  return n === undefined || n === null ? '' : String(n);
}

// What a process dropped: sends that failed, messages it had no handler for,
// frames that did not decode, gaps in its senders' numbers.
export function drops(info) {
  if (!info) return undefined;
  return (info.send_failures || 0) + (info.unhandled || 0) + (info.malformed || 0) + (info.lost || 0);
}
