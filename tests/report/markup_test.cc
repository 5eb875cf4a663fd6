#include "harness/report/markup.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace sah::report {
namespace {

TEST(Markup, TextIsEscapedLiteralsAreNot) {
  EXPECT_EQ(Html::text("<b>").str(), "&lt;b&gt;");
  EXPECT_EQ(Html::literal("<b>").str(), "<b>");
  EXPECT_EQ((Html::literal("<i>") + Html::text("a&b") + Html::literal("</i>")).str(), "<i>a&amp;b</i>");
}

TEST(Markup, ElementEscapesAttributeValues) {
  EXPECT_EQ(element("a", {{"href", "x\" onclick=\"y"}, {"title", "<'>"}}, Html::text("t")).str(),
            "<a href=\"x&quot; onclick=&quot;y\" title=\"&lt;&#39;&gt;\">t</a>");
  EXPECT_EQ(void_element("input", {{"value", "\x1b"}}).str(), "<input value=\"\\x1B\">");
}

TEST(Markup, NamesMustBeOurs) {
  EXPECT_THROW(element("a b", {}), std::logic_error);
  EXPECT_THROW(element("a", {{"on click", "x"}}), std::logic_error);
  EXPECT_THROW(element("a", {{"x=\"1\"", "x"}}), std::logic_error);
  EXPECT_THROW(element("", {}), std::logic_error);
}

TEST(Markup, FillIsOnePassAndComplete) {
  const Html tmpl = Html::literal("<p>{{a}}|{{b}}</p>");
  // A value holding slot syntax is not filled again.
  EXPECT_EQ(fill(tmpl, {{"a", Html::text("{{b}}")}, {"b", Html::literal("<i>x</i>")}}).str(), "<p>{{b}}|<i>x</i></p>");
  EXPECT_THROW(fill(tmpl, {{"a", Html::text("x")}}), std::logic_error) << "slot b left empty";
  EXPECT_THROW(fill(tmpl, {{"a", Html{}}, {"b", Html{}}, {"c", Html{}}}), std::logic_error) << "c is not a slot";
  EXPECT_THROW(fill(Html::literal("{{a"), {{"a", Html{}}}), std::logic_error) << "unclosed slot";
}

}  // namespace
}  // namespace sah::report
