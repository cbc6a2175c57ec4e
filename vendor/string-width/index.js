// Ink measures every text node with widest-line on every frame, and a line with anything beyond
// printable ASCII costs string-width a grapheme segmentation (objects per cluster) each time. Most
// lines are the same from one frame to the next: their widths are remembered here, in a bounded
// map, and everything else is string-width 8.3.0's own answer.
import upstreamWidth from 'string-width-upstream';

// Two screens of lines many times over; cleared whole when full (a burst of changing counters).
const MAX_REMEMBERED = 4096;
const widths = new Map();

export default function stringWidth(input, options) {
  if (options !== undefined || typeof input !== 'string') return upstreamWidth(input, options);
  let width = widths.get(input);
  if (width === undefined) {
    width = upstreamWidth(input);
    if (widths.size >= MAX_REMEMBERED) widths.clear();
    widths.set(input, width);
  }
  return width;
}
