import Files
import Foundation

/// Reading a tokenizer from files: a HuggingFace model directory, or a bare vocabulary file.
extension WordPieceTokenizer {
    /// A tokenizer from a HuggingFace model directory, reproducing the slow `BertTokenizer` that
    /// `from_pretrained(directory)` builds.
    ///
    /// Reads `vocab.txt` and, when present, `tokenizer_config.json` (`do_lower_case`, `strip_accents`,
    /// `tokenize_chinese_chars`, `never_split`, the special tokens, `additional_special_tokens`,
    /// `added_tokens_decoder`). Without `added_tokens_decoder` it reads what HuggingFace reads instead:
    /// `special_tokens_map.json`, `added_tokens.json` and the `added_tokens` of `tokenizer.json`. An added
    /// token's `lstrip`/`rstrip` only move whitespace, which BERT's tokenizer drops anyway, so they change nothing.
    ///
    /// - Throws: ``TokenizerError`` naming the file and field for a missing vocabulary, malformed JSON, a field of
    ///   the wrong type, or a setting this tokenizer does not implement (`do_basic_tokenize: false`,
    ///   `single_word: true`).
    public init(modelDirectory: String) throws {
        let directory = URL(fileURLWithPath: modelDirectory)
        let vocabularyPath = directory.appendingPathComponent("vocab.txt").path
        guard FileManager.default.fileExists(atPath: vocabularyPath) else {
            throw TokenizerError.missingVocabulary(directory: modelDirectory)
        }
        let configuration = try TokenizerConfiguration(huggingFaceDirectory: directory)
        let vocabulary = try Vocabulary(contentsOfFile: vocabularyPath, compatibility: .huggingFace)
        try self.init(vocabulary: vocabulary, configuration: configuration, vocabularyName: vocabularyPath)
    }

    /// A tokenizer from a bare vocabulary file (a Google checkpoint's `vocab.txt`).
    ///
    /// - Parameters:
    ///   - vocabularyFile: One token per line.
    ///   - lowercase: `true` for uncased models.
    ///   - compatibility: The reference to reproduce; Google's by default.
    public init(vocabularyFile: String, lowercase: Bool, compatibility: TokenizerConfiguration.Compatibility = .google) throws {
        let vocabulary = try Vocabulary(contentsOfFile: vocabularyFile, compatibility: compatibility)
        try self.init(vocabulary: vocabulary, configuration: TokenizerConfiguration(compatibility: compatibility, lowercase: lowercase),
                      vocabularyName: vocabularyFile)
    }
}

extension TokenizerConfiguration {
    /// The settings HuggingFace's `BertTokenizer.from_pretrained(directory)` would use (its defaults for
    /// absent files and fields).
    public init(huggingFaceDirectory directory: URL) throws {
        self.init(compatibility: .huggingFace, lowercase: true)
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let config = try JSONFile(url: configURL)
        if let config {
            if let lowercase = try config.bool("do_lower_case") { self.lowercase = lowercase }
            if config.has("strip_accents") { stripAccents = try config.bool("strip_accents") }
            if let chinese = try config.bool("tokenize_chinese_chars") { tokenizeChineseCharacters = chinese }
            if let basic = try config.bool("do_basic_tokenize"), !basic {
                throw TokenizerError.unsupportedConfiguration(path: config.path, field: "do_basic_tokenize",
                                                              reason: "false is not supported (BERT always runs the basic tokenizer)")
            }
            if let neverSplit = try config.strings("never_split") { self.neverSplit = neverSplit }
            try applySpecialTokens(from: config)
        }
        if let decoder = try config?.object("added_tokens_decoder") {
            for (key, value) in decoder {
                guard let id = Int(key) else {
                    throw TokenizerError.malformedConfiguration(path: configURL.path, field: "added_tokens_decoder.\(key)",
                                                                expected: "integer keys (token ids)")
                }
                addedTokens.append(try JSONFile.addedToken(value, id: id, path: configURL.path, field: "added_tokens_decoder.\(key)"))
            }
            addedTokens.sort { ($0.id ?? 0) < ($1.id ?? 0) }
            return
        }
        // HuggingFace's legacy route when tokenizer_config.json has no added_tokens_decoder.
        if let map = try JSONFile(url: directory.appendingPathComponent("special_tokens_map.json")) {
            try applySpecialTokens(from: map)
        }
        if let legacy = try JSONFile(url: directory.appendingPathComponent("added_tokens.json")) {
            let specials = Set(specialTokens.all)
            for (content, value) in legacy.dictionary.sorted(by: { $0.key < $1.key }) {
                guard let id = value as? Int else {
                    throw TokenizerError.malformedConfiguration(path: legacy.path, field: content, expected: "an integer id")
                }
                addedTokens.append(AddedToken(content: content, isSpecial: specials.contains(content), id: id))
            }
        }
        if let fast = try JSONFile(url: directory.appendingPathComponent("tokenizer.json")), fast.has("added_tokens") {
            guard let list = fast.dictionary["added_tokens"] as? [Any] else {
                throw TokenizerError.malformedConfiguration(path: fast.path, field: "added_tokens", expected: "a list of objects")
            }
            for (index, entry) in list.enumerated() {
                let field = "added_tokens[\(index)]"
                guard let object = entry as? [String: Any], let id = object["id"] as? Int else {
                    throw TokenizerError.malformedConfiguration(path: fast.path, field: field, expected: "an object with an integer 'id'")
                }
                addedTokens.append(try JSONFile.addedToken(object, id: id, path: fast.path, field: field))
            }
        }
    }

    /// Takes `unk_token` … `mask_token` and `additional_special_tokens` from a configuration file.
    private mutating func applySpecialTokens(from file: JSONFile) throws {
        let fields: [(String, WritableKeyPath<SpecialTokens, String>)] = [
            ("unk_token", \.unknown), ("sep_token", \.separator), ("pad_token", \.padding), ("cls_token", \.classifier),
            ("mask_token", \.mask),
        ]
        for (field, keyPath) in fields {
            if let token = try file.token(field) { specialTokens[keyPath: keyPath] = token }
        }
        if file.has("additional_special_tokens"), !(file.dictionary["additional_special_tokens"] is NSNull) {
            guard let list = file.dictionary["additional_special_tokens"] as? [Any] else {
                throw TokenizerError.malformedConfiguration(path: file.path, field: "additional_special_tokens",
                                                            expected: "a list of strings or token objects")
            }
            specialTokens.additional = try list.enumerated().map { index, value in
                try JSONFile.content(value, path: file.path, field: "additional_special_tokens[\(index)]")
            }
        }
    }
}

/// A JSON object read from a configuration file, with typed field access that names the file and field on
/// error.
struct JSONFile {
    let path: String
    let dictionary: [String: Any]

    /// The file's object, or `nil` when the file does not exist.
    init?(url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        path = url.path
        let data: Data
        do {
            data = Data(try InputFile.read(url.path))
        } catch let error as InputFileError {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.reason)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any] else {
            throw TokenizerError.malformedConfiguration(path: url.path, field: "(document)", expected: "a JSON object")
        }
        self.dictionary = dictionary
    }

    func has(_ field: String) -> Bool { dictionary[field] != nil }

    /// A boolean field; `nil` when absent or null.
    func bool(_ field: String) throws -> Bool? {
        guard let value = dictionary[field], !(value is NSNull) else { return nil }
        guard let bool = value as? Bool else {
            throw TokenizerError.malformedConfiguration(path: path, field: field, expected: "true, false or null")
        }
        return bool
    }

    /// A list-of-strings field; `nil` when absent or null.
    func strings(_ field: String) throws -> [String]? {
        guard let value = dictionary[field], !(value is NSNull) else { return nil }
        guard let strings = value as? [String] else {
            throw TokenizerError.malformedConfiguration(path: path, field: field, expected: "a list of strings or null")
        }
        return strings
    }

    /// An object field; `nil` when absent or null.
    func object(_ field: String) throws -> [String: Any]? {
        guard let value = dictionary[field], !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any] else {
            throw TokenizerError.malformedConfiguration(path: path, field: field, expected: "an object")
        }
        return object
    }

    /// A token field, written as a string or as an object with `content`; `nil` when absent or null.
    func token(_ field: String) throws -> String? {
        guard let value = dictionary[field], !(value is NSNull) else { return nil }
        return try Self.content(value, path: path, field: field)
    }

    /// The text of a token written as a string or as an object with `content`.
    static func content(_ value: Any, path: String, field: String) throws -> String {
        if let string = value as? String { return string }
        if let object = value as? [String: Any], let content = object["content"] as? String { return content }
        throw TokenizerError.malformedConfiguration(path: path, field: field, expected: "a string or an object with a string 'content'")
    }

    /// An added token written as HuggingFace serializes `AddedToken`.
    static func addedToken(_ value: Any, id: Int, path: String, field: String) throws -> AddedToken {
        guard let object = value as? [String: Any], let content = object["content"] as? String else {
            throw TokenizerError.malformedConfiguration(path: path, field: field, expected: "an object with a string 'content'")
        }
        func flag(_ name: String) throws -> Bool? {
            guard let raw = object[name], !(raw is NSNull) else { return nil }
            guard let flag = raw as? Bool else {
                throw TokenizerError.malformedConfiguration(path: path, field: "\(field).\(name)", expected: "true, false or null")
            }
            return flag
        }
        if try flag("single_word") == true {
            throw TokenizerError.unsupportedConfiguration(path: path, field: "\(field).single_word",
                                                          reason: "single_word tokens are not supported (token '\(content)')")
        }
        let special = try flag("special") ?? false
        return AddedToken(content: content, isSpecial: special, normalized: try flag("normalized"), id: id)
    }
}
