// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IMerchantAlliance} from "./interfaces/IMerchantAlliance.sol";
import {IYiCoin} from "./interfaces/IYiCoin.sol";

/// @title YiCoin (益币)
/// @notice Deployed by the HourLedger, which is its only minter. See IYiCoin for the rules.
contract YiCoin is IYiCoin, ERC20, AccessControl, Pausable {
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    address private immutable _ledger;
    IMerchantAlliance private _alliance;

    constructor(address admin) ERC20(unicode"益币 YiCoin", "YIC") {
        if (admin == address(0)) revert YiCoinZeroAddress();
        _ledger = msg.sender;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    modifier onlyLedger() {
        if (msg.sender != _ledger) revert YiCoinNotLedger(msg.sender);
        _;
    }

    modifier onlyAlliance() {
        if (msg.sender != address(_alliance)) revert YiCoinNotAlliance(msg.sender);
        _;
    }

    /// @notice Two decimals: points are shown like fen, 7.50 益币.
    function decimals() public pure override(ERC20, IERC20Metadata) returns (uint8) {
        return 2;
    }

    /// @inheritdoc IYiCoin
    function mint(address volunteer, uint256 amount) external onlyLedger {
        _mint(volunteer, amount);
    }

    /// @inheritdoc IYiCoin
    function burnRevoked(address volunteer, uint256 amount) external onlyLedger returns (uint256 burned) {
        uint256 balance = balanceOf(volunteer);
        burned = amount < balance ? amount : balance;
        if (burned != 0) _burn(volunteer, burned);
    }

    /// @inheritdoc IYiCoin
    function redemptionTransfer(address volunteer, address merchant, uint256 amount) external onlyAlliance {
        _transfer(volunteer, merchant, amount);
    }

    /// @inheritdoc IYiCoin
    function burnSettled(address merchant, uint256 amount) external onlyAlliance whenNotPaused {
        _burn(merchant, amount);
    }

    /// @inheritdoc IYiCoin
    function setAlliance(address alliance_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (alliance_ == address(0)) revert YiCoinZeroAddress();
        if (address(_alliance) != address(0)) revert YiCoinAllianceAlreadySet(address(_alliance));
        _alliance = IMerchantAlliance(alliance_);
        emit AllianceSet(alliance_);
    }

    /// @inheritdoc IYiCoin
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IYiCoin
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IYiCoin
    function ledger() external view returns (address) {
        return _ledger;
    }

    /// @inheritdoc IYiCoin
    function alliance() external view returns (address) {
        return address(_alliance);
    }

    /// @dev Every transfer is spending: only to an active merchant, never while paused. Mints
    /// and revocation burns stay open during a pause, so hours are never held back.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            _requireNotPaused();
            if (address(_alliance) == address(0) || !_alliance.isActiveMerchant(to)) {
                revert YiCoinRecipientNotMerchant(to);
            }
        }
        super._update(from, to, value);
    }
}
