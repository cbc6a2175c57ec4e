// Reading the templates JavaScript hands over (src/scan/native-scan.ts' RenderTemplate) into a
// key -> template map: shared by the scanner's next(templates) and the late renderer's add().
#ifndef SNAPPY_DEBUG_TEMPLATE_ARGS_H
#define SNAPPY_DEBUG_TEMPLATE_ARGS_H

#include <napi.h>

#include <cstdint>
#include <unordered_map>

#include "repeat-render.h"

namespace scan {

using TemplateMap = std::unordered_map<uint32_t, RepeatTemplate>;

// Templates kept at most: beyond it the map is emptied (its keys' repeats are then left to JavaScript).
constexpr size_t kTemplatesKept = 1 << 13;

// Adds `value`'s templates to `templates` (throws a TypeError naming what is wrong); `who` starts
// the messages ("CandidateScanner", "LateRenderer").
void take_templates(Napi::Value value, TemplateMap &templates, const char *who);

}  // namespace scan

#endif
