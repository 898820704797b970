extension ServingModelError {
    /// Throws an error naming `key`, the bad `value` and what was `expected`
    /// unless `ok` holds. The toolbox components' `validate()` methods use it
    /// so that scenario validation reports the parameter at fault.
    static func check(_ ok: Bool, _ key: String, _ value: Any, _ expected: String) throws(ServingModelError) {
        if !ok { throw ServingModelError(key: key, "got \(value), expected \(expected)") }
    }
}
