#define BOOST_TEST_MODULE lp_simplex
#include <boost/test/unit_test.hpp>

// The dual simplex against CBC's LP solver on random boxed LPs, including
// warm re-solves after bound changes, and its proven bound.

#include <cmath>
#include <coin/Cbc_C_Interface.h>
#include <random>

#include "streams/lp_simplex.hpp"

using namespace hems::streams;

namespace {

struct reference {
  bool infeasible;
  double objective;
};

reference solve_with_clp(const lp::model& m) {
  Cbc_Model* cm = Cbc_newModel();
  Cbc_loadProblem(cm, m.cols(), m.rows(), m.col_start.data(), m.row_index.data(), m.value.data(),
                  m.col_lo.data(), m.col_up.data(), m.cost.data(), m.row_lo.data(),
                  m.row_up.data());
  Cbc_setLogLevel(cm, 0);
  Cbc_solve(cm);
  reference r{Cbc_isProvenInfeasible(cm) != 0, Cbc_getObjValue(cm)};
  Cbc_deleteModel(cm);
  return r;
}

lp::model random_model(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  int rows = 1 + static_cast<int>(rng() % 30), cols = 1 + static_cast<int>(rng() % 40);
  lp::model m;
  for (int i = 0; i < rows; ++i) {
    double lo = -std::abs(u(rng)) * 6, up = std::abs(u(rng)) * 6;
    if (rng() % 3 == 0)
      up = lo; // equality rows
    m.add_row(lo, up);
  }
  for (int j = 0; j < cols; ++j) {
    double lo = u(rng) * 2, up = lo + std::abs(u(rng)) * 4 * (rng() % 7 == 0 ? 0 : 1);
    m.add_col(lo, up, u(rng));
    for (int i = 0; i < rows; ++i)
      if (rng() % 4 == 0) {
        double v = std::round(u(rng) * 4) / 2;
        m.entry(i, v == 0 ? 1 : v);
      }
  }
  return m;
}

void expect_agreement(lp::dual_simplex& s, const lp::model& m, lp::status st, int seed) {
  auto ref = solve_with_clp(m);
  if (ref.infeasible) {
    BOOST_TEST((st == lp::status::infeasible), "seed " << seed);
    return;
  }
  BOOST_TEST_REQUIRE((st == lp::status::optimal), "seed " << seed);
  BOOST_TEST(std::abs(s.objective() - ref.objective) <= 1e-7 * (1 + std::abs(ref.objective)),
             "seed " << seed << ": " << s.objective() << " vs " << ref.objective);
  double bound = s.safe_bound();
  BOOST_TEST(bound <= ref.objective + 1e-9 * (1 + std::abs(ref.objective)), "seed " << seed);
  BOOST_TEST(bound >= ref.objective - 1e-6 * (1 + std::abs(ref.objective)), "seed " << seed);
  for (int j = 0; j < m.cols(); ++j)
    BOOST_TEST((s.x(j) >= m.col_lo[j] - 1e-7 && s.x(j) <= m.col_up[j] + 1e-7));
  std::vector<double> activity(m.rows(), 0.0);
  for (int j = 0; j < m.cols(); ++j)
    for (int e = m.col_start[j]; e < m.col_start[j + 1]; ++e)
      activity[m.row_index[e]] += m.value[e] * s.x(j);
  for (int i = 0; i < m.rows(); ++i)
    BOOST_TEST((activity[i] >= m.row_lo[i] - 1e-7 && activity[i] <= m.row_up[i] + 1e-7));
}

} // namespace

BOOST_AUTO_TEST_CASE(random_lps_and_warm_resolves_match_clp) {
  int optimal = 0;
  for (int seed = 0; seed < 600; ++seed) {
    std::mt19937_64 rng(seed);
    auto m = random_model(rng);
    lp::dual_simplex s(m);
    auto st = s.solve();
    optimal += st == lp::status::optimal;
    expect_agreement(s, m, st, seed);
    std::uniform_real_distribution<double> u(0, 1);
    for (int round = 0; round < 3; ++round) {
      for (int k = 0; k < 3; ++k) {
        int j = static_cast<int>(rng() % m.cols());
        double lo = m.col_lo[j] + u(rng) * (m.col_up[j] - m.col_lo[j]) * 0.5;
        double up = std::max(lo, m.col_up[j] - u(rng));
        if (rng() % 3 == 0)
          up = lo; // fix it
        m.col_lo[j] = lo;
        m.col_up[j] = up;
        s.set_bounds(j, lo, up);
      }
      expect_agreement(s, m, s.solve(), seed);
    }
  }
  BOOST_TEST(optimal > 50); // the generator makes enough feasible LPs to mean something
}

BOOST_AUTO_TEST_CASE(a_cutoff_stops_early_with_a_proven_bound) {
  lp::model m;
  int r = m.add_row(1, 1);
  m.add_col(0, 1, 2.0);
  m.entry(r, 1);
  m.add_col(0, 1, 3.0);
  m.entry(r, 1);
  lp::dual_simplex s(m);
  lp::limits lim;
  lim.cutoff = 1.5;
  auto st = s.solve(lim);
  BOOST_TEST((st == lp::status::cutoff || st == lp::status::optimal));
  BOOST_TEST(s.safe_bound() <= 2.0 + 1e-12);
  BOOST_TEST((s.solve() == lp::status::optimal));
  BOOST_TEST(s.objective() == 2.0, boost::test_tools::tolerance(1e-12));
}
