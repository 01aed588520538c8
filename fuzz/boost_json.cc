// Boost.JSON compiled into the fuzz targets (fuzz builds only): linking the
// prebuilt libboost_json would leave its parser uninstrumented, and the
// fuzzer blind to it.
#include <boost/json/src.hpp>
