// See include/clblast_query.h. Exceptions never cross into C: CLBlast reports errors as status codes, and
// anything thrown here (allocation) becomes CLBlast's kUnknownError.
#include "clblast_query.h"

#include <clblast.h>

#include <cstring>
#include <map>
#include <string>
#include <unordered_map>

extern "C" int swiftbert_clblast_retrieve_parameters(cl_device_id device, const char *kernel_name, int precision,
                                                     char *names, size_t names_capacity,
                                                     size_t *values, size_t values_capacity,
                                                     size_t *count, size_t *names_length) {
  try {
    std::unordered_map<std::string, size_t> retrieved;
    const auto status = clblast::RetrieveParameters(device, kernel_name,
                                                    static_cast<clblast::Precision>(precision), retrieved);
    if (status != clblast::StatusCode::kSuccess) { return static_cast<int>(status); }

    const std::map<std::string, size_t> sorted(retrieved.begin(), retrieved.end());
    std::string joined;
    for (const auto &entry : sorted) { joined += entry.first + "\n"; }
    *count = sorted.size();
    *names_length = joined.size() + 1;
    if (sorted.size() > values_capacity || joined.size() + 1 > names_capacity) {
      return SWIFTBERT_CLBLAST_QUERY_TOO_SMALL;
    }
    size_t i = 0;
    for (const auto &entry : sorted) { values[i++] = entry.second; }
    std::memcpy(names, joined.c_str(), joined.size() + 1);
    return 0;
  } catch (...) {
    return static_cast<int>(clblast::StatusCode::kUnknownError);
  }
}
