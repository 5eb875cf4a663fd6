// A GoogleTest fixture for running one case against a scripted server (scripted_transport.h):
// `answer` queues what the server says to the next client send, `run` plays the case.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario/interpreter.h"
#include "tests/scenario/case_builder.h"
#include "tests/scenario/scripted_transport.h"

namespace sah::scenario::testing {

class ScriptedCaseTest : public ::testing::Test {
 protected:
  std::shared_ptr<Script> script = std::make_shared<Script>();
  InterpreterOptions options = test_interpreter_options();
  SeededRandom random{7};

  CaseResult run(const Case& c) {
    ScriptedConnector connector(script);
    return run_case(c, connector, options, random);
  }
  void answer(std::vector<net::Event> e) { script->on_send.push_back(std::move(e)); }
  void answer(std::string text) { answer(says(std::move(text))); }
};

}  // namespace sah::scenario::testing
