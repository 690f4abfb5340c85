// Placeholder until the policy engine lands.
#include "policy/document.h"
