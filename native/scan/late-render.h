// The late renderer: repeats of keys whose templates reached the scanner after it had read their
// chunk, rendered on the main thread (synchronously) into one buffer per chunk.
#ifndef SNAPPY_DEBUG_LATE_RENDER_H
#define SNAPPY_DEBUG_LATE_RENDER_H

#include <napi.h>

namespace scan {

// The LateRenderer class for the addon's exports.
Napi::Function define_late_renderer(Napi::Env env);

}  // namespace scan

#endif
