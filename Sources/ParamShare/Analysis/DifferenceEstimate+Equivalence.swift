extension DifferenceEstimate {
    /// The p-value of the two one-sided tests (TOST) that the true difference lies within
    /// ±`margin`: the larger of the p of "at most −margin" and of "at least +margin".
    ///
    /// A difference that is not significant is not shown to be absent: a wide interval around 0
    /// fails to reject 0 and also fails this test. Equivalence at level α holds exactly when the
    /// (1 − 2α) interval, the 90 % interval at α = 0.05, lies inside ±margin.
    package func equivalencePValue(margin: Double) -> Double {
        let p = max(pValue(above: -margin), pValue(below: margin))
        return p.isNaN ? .nan : min(1, p)
    }
}
