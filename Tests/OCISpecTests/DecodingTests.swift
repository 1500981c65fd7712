import Foundation
import Testing
@testable import OCISpec

@Suite struct DecodingTests {
    private func decodeError(_ json: String) -> String? {
        do {
            _ = try SpecLoader.decode(Data(json.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    @Test func fullFixtureDecodesEveryField() throws {
        let spec = try SpecLoader.decode(Fixtures.data("valid/full.json"))
        let process = try #require(spec.process)
        #expect(process.consoleSize == Box(height: 25, width: 80))
        #expect(process.user == User(uid: 1000, gid: 1000, umask: 18, additionalGids: [5, 6, 27], username: "ignored-on-linux"))
        #expect(process.rlimits?[1].hard == UInt64.max)
        #expect(process.rlimits?[1].resource == 4)
        #expect(process.ioPriority == LinuxIOPriority(class: "IOPRIO_CLASS_BE", priority: 4))
        #expect(process.scheduler?.deadline == 30_000_000)
        #expect(process.execCPUAffinity == CPUAffinity(initial: "0", final: "0-3,7"))
        #expect(process.oomScoreAdj == -500)
        #expect(spec.mounts?[1].uidMappings == [LinuxIDMapping(containerID: 0, hostID: 100_000, size: 65536)])
        #expect(spec.hooks?.prestart?.first?.timeout == 5)
        #expect(spec.hooks?.all.map(\.name) == Hooks.knownNames)
        let linux = try #require(spec.linux)
        #expect(linux.resources?.memory?.swap == -1)
        #expect(linux.resources?.cpu?.quota == -1)
        #expect(linux.resources?.blockIO?.weightDevice?[0] == LinuxWeightDevice(major: 8, minor: 0, weight: 600, leafWeight: 300))
        #expect(linux.resources?.rdma?["mlx5_1"] == LinuxRdma(hcaHandles: 3, hcaObjects: 10000))
        #expect(linux.resources?.unified?["io.weight"] == "default 100")
        #expect(linux.devices?[0].fileMode == 0o666)
        #expect(
            linux.seccomp?.syscalls?[2].args?[0] == LinuxSeccompArg(index: 0, value: 2_114_060_288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ"))
        #expect(linux.seccomp?.listenerMetadata == "container=full")
        #expect(linux.timeOffsets?["boottime"] == LinuxTimeOffset(secs: -3600))
        #expect(linux.intelRdt?.schemata == ["L3:0=7f0;1=1f", "MB:0=20;1=70"])
        #expect(linux.memoryPolicy == LinuxMemoryPolicy(mode: "MPOL_INTERLEAVE", nodes: "0-1", flags: ["MPOL_F_STATIC_NODES"]))
        #expect(linux.netDevices?["dummy0"] == LinuxNetDevice())
        #expect(spec.namespace(ofType: "network")?.path == "/proc/self/ns/net")
        #expect(spec.createsNamespace("network") == false)
        #expect(spec.createsNamespace("time"))
    }

    @Test func fullFixtureRoundTrips() throws {
        let spec = try SpecLoader.decode(Fixtures.data("valid/full.json"))
        for pretty in [true, false] {
            let encoded = try spec.encodedJSON(pretty: pretty)
            #expect(try SpecLoader.decode(encoded) == spec)
        }
    }

    @Test func encodingIsStableSortedAndKeepsSlashes() throws {
        let spec = Spec(process: Process(args: ["sh"], cwd: "/"), root: Root(path: "/a/b"))
        let json = String(decoding: try spec.encodedJSON(pretty: false), as: UTF8.self)
        #expect(json == #"{"ociVersion":"1.2.0","process":{"args":["sh"],"cwd":"/"},"root":{"path":"/a/b"}}"#)
    }

    @Test func nullDecodesAsNil() throws {
        let spec = try SpecLoader.decode(Fixtures.data("valid/nulls.json"))
        #expect(spec.hostname == nil)
        #expect(spec.process?.env == nil)
        #expect(spec.process?.isTerminal == false)
        #expect(spec.root?.isReadonly == false)
        #expect(spec.linux?.resources?.memory == LinuxMemory())
        #expect(spec.linux?.namespaces == [LinuxNamespace(type: "mount")])
    }

    @Test func otherPlatformsAndUnknownKeysAreIgnored() throws {
        let withExtras = try SpecLoader.decode(
            Data(
                #"""
                {"ociVersion": "1.2.0", "windows": {"layerFolders": 7}, "vm": null, "x": [1, {"y": 2}],
                 "process": {"args": ["sh"], "cwd": "/", "unknown": {"deep": [true]}}}
                """#.utf8))
        #expect(withExtras == Spec(process: Process(args: ["sh"], cwd: "/")))
    }

    @Test func computedDefaults() {
        let process = Process()
        #expect(process.isTerminal == false)
        #expect(process.isNoNewPrivileges == false)
        #expect(process.resolvedUser == User(uid: 0, gid: 0))
        #expect(Process(terminal: true, noNewPrivileges: true).isTerminal)
    }

    @Test func typeMismatchNamesTheNestedPath() {
        #expect(
            decodeError(#"{"process": {"args": ["sh", 1]}}"#)
                == "config.json: process.args[1]: expected string, found number")
        #expect(
            decodeError(#"{"linux": {"namespaces": [{"type": "pid"}, {"type": ["x"]}]}}"#)
                == "config.json: linux.namespaces[1].type: expected string, found array")
        #expect(
            decodeError(#"{"linux": {"resources": {"devices": [{"allow": "yes"}]}}}"#)
                == "config.json: linux.resources.devices[0].allow: expected boolean, found string")
        #expect(decodeError(#"{"process": "sh"}"#) == "config.json: process: expected object, found string")
        #expect(decodeError(#"{"root": {"readonly": 1}}"#) == "config.json: root.readonly: expected boolean, found number")
        #expect(
            decodeError(#"{"process": {"user": {"uid": "0", "gid": 0}}}"#)
                == "config.json: process.user.uid: expected integer, found string")
    }

    /// args, env and annotations have their own decoding (StringListDecoding.swift): it must
    /// behave as the synthesized one did, for absent, null, empty and wrongly typed values.
    @Test func stringListsAndMapsDecodeLikeSynthesizedCode() throws {
        let absent = try SpecLoader.decode(Data(#"{"process": {"cwd": "/"}}"#.utf8))
        #expect(absent.process?.args == nil && absent.process?.env == nil && absent.annotations == nil)
        let null = try SpecLoader.decode(Data(#"{"process": {"args": null, "env": null}, "annotations": null}"#.utf8))
        #expect(null.process?.args == nil && null.process?.env == nil && null.annotations == nil)
        let empty = try SpecLoader.decode(Data(#"{"process": {"args": [], "env": []}, "annotations": {}}"#.utf8))
        #expect(empty.process?.args == [] && empty.process?.env == [] && empty.annotations == [:])
        let full = try SpecLoader.decode(
            Data(
                #"{"process": {"args": ["sh", "", "-c"], "env": ["A=1", "B=\u00e9"]}, "annotations": {"a": "1", "": "", "b.c": "x"}}"#.utf8)
        )
        #expect(full.process?.args == ["sh", "", "-c"])
        #expect(full.process?.env == ["A=1", "B=é"])
        #expect(full.annotations == ["a": "1", "": "", "b.c": "x"])
        #expect(decodeError(#"{"process": {"env": "A=1"}}"#) == "config.json: process.env: expected array, found string")
        #expect(decodeError(#"{"process": {"env": ["A=1", null]}}"#) == "config.json: process.env[1]: expected string, found null")
        #expect(decodeError(#"{"annotations": ["a"]}"#) == "config.json: annotations: expected object, found array")
        #expect(decodeError(#"{"annotations": {"a": null}}"#) == "config.json: annotations.a: expected string, found null")
    }

    @Test func mapKeysThatAreNotIdentifiersAreQuoted() {
        #expect(
            decodeError(#"{"annotations": {"io.k8s/x": 1}}"#)
                == #"config.json: annotations["io.k8s/x"]: expected string, found number"#)
        #expect(
            decodeError(#"{"linux": {"resources": {"rdma": {"0": {"hcaHandles": "x"}}}}}"#)
                == #"config.json: linux.resources.rdma["0"].hcaHandles: expected integer, found string"#)
    }

    @Test func missingRequiredKey() {
        #expect(
            decodeError(#"{"linux": {"uidMappings": [{"containerID": 0, "size": 1}]}}"#)
                == "config.json: linux.uidMappings[0].hostID: required field missing")
        #expect(
            decodeError(#"{"hooks": {"poststop": [{"args": []}]}}"#)
                == "config.json: hooks.poststop[0].path: required field missing")
    }

    @Test func numbersThatDoNotFitNameTheirPath() {
        #expect(
            decodeError(#"{"linux": {"devices": [{"path": "/dev/x", "type": "c", "uid": 4294967296}]}}"#)
                == "config.json: linux.devices[0].uid: number 4294967296 is out of range 0...4294967295")
        #expect(
            decodeError(#"{"process": {"rlimits": [{"type": "RLIMIT_CORE", "hard": -1, "soft": 0}]}}"#)
                == "config.json: process.rlimits[0].hard: number -1 is out of range 0...18446744073709551615")
        #expect(
            decodeError(#"{"linux": {"resources": {"pids": {"limit": 1e30}}}}"#)
                == "config.json: linux.resources.pids.limit: number 1e30 is out of range -9223372036854775808...9223372036854775807")
        // Just below Int64.min: as a Double it rounds to Int64.min, which fits.
        #expect(
            decodeError(#"{"linux": {"resources": {"cpu": {"quota": -9223372036854775809}}}}"#)
                == "config.json: linux.resources.cpu.quota: number -9223372036854775809 is out of range -9223372036854775808...9223372036854775807"
        )
    }

    @Test func malformedJSONGivesPosition() {
        #expect(
            decodeError("{\"a\": [1, 2}")
                == "config.json: invalid JSON: expected ',' or ']' after array element, found character '}' at line 1, column 12")
        #expect(
            decodeError("{\"a\": \"é\" x}")
                == "config.json: invalid JSON: expected ',' or '}' after object member, found character 'x' at line 1, column 11")
        #expect(decodeError("{\"a\": \"abc") == "config.json: invalid JSON: unterminated string at line 1, column 7")
        #expect(decodeError("{\"process\": {\"oomScoreAdj\": -}}") == "config.json: invalid JSON: invalid number at line 1, column 30")
        #expect(
            decodeError("{\"a\" 1}") == "config.json: invalid JSON: expected ':' after object key, found character '1' at line 1, column 6")
        #expect(decodeError(String(repeating: "[", count: 600)).map { $0.hasPrefix("config.json: invalid JSON: ") } == true)
    }

    @Test func loadReportsUnreadableFileWithAbsolutePath() throws {
        let bundle = try TempBundle(config: nil)
        #expect(
            firstProblem(bundle: bundle.path)
                == "config.json: cannot read \(bundle.path)/config.json: No such file or directory")
    }

    @Test func absolutePathUsesTheCurrentDirectory() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(SpecLoader.absolutePath("bundle") == cwd + "/bundle")
        #expect(SpecLoader.absolutePath(".") == cwd)
        #expect(SpecLoader.absolutePath("/abs/bundle") == "/abs/bundle")
    }

    @Test func decodesOtherSpecObjectsWithTheirFileName() {
        #expect(throws: SpecError(file: "process.json", path: "cwd", message: "expected string, found number")) {
            _ = try SpecLoader.decode(Process.self, from: Data(#"{"args": ["sh"], "cwd": 1}"#.utf8), file: "process.json")
        }
    }
}
